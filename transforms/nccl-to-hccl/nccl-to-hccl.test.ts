import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { ncclToHccl } from './nccl-to-hccl';

const D = 'import torch.distributed as dist\n';

runPassCases(ncclToHccl, {
  valid: [
    // comments, docstrings, message text
    `${D}# dist.init_process_group("nccl")\nx = 1\n`,
    `${D}\ndef setup():\n    """nccl"""\n    return 1\n`,
    `${D}print("nccl")\nlogger.info("nccl")\nlog.warning("backend %s", "nccl")\n`,
    `${D}import warnings\nwarnings.warn("nccl")\nraise RuntimeError("nccl")\n`,
    `${D}assert ok, "nccl"\nprint("backend: {}".format("nccl"))\nprint("backend: " + "nccl")\n`,
    `import argparse\np = argparse.ArgumentParser()\np.add_argument("--dist-backend", default="gloo", help="nccl")\n`,
    // strings that merely contain nccl, f-strings with text around it
    `${D}lib = "libnccl.so.2"\nname = f"runs/{exp}_nccl"\nkey = "NCCL_" + name\n`,
    // user identifiers named like NCCL things
    `${D}nccl = load_nccl()\nuse_nccl = True\nNCCL_VERSION = (2, 18)\n`,
    `${D}\ndef is_nccl_available():\n    return False\n\nif is_nccl_available():\n    pass\n`,
    // look-alike APIs of other libraries
    'from mylib import Backend\nb = Backend.NCCL\nok = mylib.is_nccl_available()\n',
    'from cupy.cuda import nccl\nv = nccl.get_version()\n',
    'import torch\nv = torch.cuda.nccl.version()\n',
    // other backends
    `${D}dist.init_process_group("gloo")\ndist.new_group(backend="mpi")\nbackend = "gloo"\n`,
    `${D}dist.init_process_group(backend=args.backend)\nif dist.get_backend() == "gloo":\n    pass\n`,
    // already migrated
    `${D}dist.init_process_group("hccl")\nok = dist.is_hccl_available()\n`,
    `${D}from torch.distributed import is_hccl_available as is_nccl_available\nok = is_nccl_available()\n`,
    `import os\nos.environ["HCCL_SOCKET_IFNAME"] = "eth0"\nos.environ["TORCH_HCCL_BLOCKING_WAIT"] = "1"\n`,
    `${D}dist.init_process_group(backend="cpu:gloo,npu:hccl")\n`,
    // a choices list that already holds both is left as it is
    'import argparse\np = argparse.ArgumentParser()\np.add_argument("--dist-backend", default="hccl", choices=["nccl", "hccl", "gloo"])\n',
    // environment variables that are not NCCL's
    'import os\naddr = os.environ.get("MASTER_ADDR")\nos.environ["GLOO_SOCKET_IFNAME"] = "eth0"\n',
    // NCCL-looking names that are not environment accesses
    'names = ["NCCL_DEBUG", "NCCL_IB_DISABLE"]\n',
    // the variable is compared but is not a backend
    `${D}mode = "ring"\nif mode == "tree":\n    pass\n`,
    // bytes are not backend names
    `${D}tag = b"nccl"\n`,
    // more message text: % formatting, exception arguments, argparse description, logging
    `${D}logger.info("backend=%s" % "nccl")\nraise ValueError("unsupported", "nccl")\n`,
    'import argparse\nparser = argparse.ArgumentParser(description="nccl")\n',
    'import logging\nlogging.getLogger(__name__).debug("nccl")\n',
    'class A:\n    """nccl"""\n\n    def f(self):\n        """NCCL"""\n',
    // comments about environment variables
    'import os\n# export NCCL_SOCKET_IFNAME=eth0\nos.environ["MASTER_PORT"] = "29500"\n',
    // other backends through Backend, get_backend compared with other names
    `${D}dist.init_process_group(backend=dist.Backend.GLOO)\nif dist.get_backend() in ("gloo", "mpi"):\n    pass\n`,
    'from torch.distributed import Backend\nb = Backend.GLOO\n',
    // already migrated forms
    `${D}b = dist.Backend.HCCL\nok = dist.is_hccl_available()\n`,
    'import torch\nok = torch.distributed.is_hccl_available()\n',
    'import argparse\np = argparse.ArgumentParser()\np.add_argument("--dist-backend", default="hccl", choices=["hccl", "gloo"], help="was nccl")\n',
    `${D}if dist.get_backend() == "hccl":\n    pass\n`,
    'import os\nsize = os.environ.get("HCCL_BUFFSIZE", "200")\n',
    // user classes and methods named like torch.distributed's
    'class Backends:\n    NCCL = 1\n\nx = Backends.NCCL\n',
    'class Comm:\n    def is_nccl_available(self):\n        return False\n\n    def run(self):\n        return self.is_nccl_available()\n',
    // torch.cuda.nccl is cuda-api-to-npu's (no NPU twin)
    'import torch.cuda.nccl as nccl\nok = nccl.is_available(tensors)\n',
    // a string that names the API, not the backend
    `${D}api = "dist.is_nccl_available"\n`,
  ],
  invalid: [
    {
      name: 'positional backend',
      code: `${D}dist.init_process_group("nccl")\n`,
      output: `${D}dist.init_process_group("hccl")\n`,
      changes: ['"nccl" → "hccl" (init_process_group backend)'],
    },
    {
      name: 'keyword backend through from torch import distributed as D, other arguments kept',
      code: "from torch import distributed as D\nD.init_process_group(backend='nccl', init_method=\"env://\", world_size=ws, rank=rank)\n",
      output: "from torch import distributed as D\nD.init_process_group(backend='hccl', init_method=\"env://\", world_size=ws, rank=rank)\n",
    },
    {
      name: 'through import torch',
      code: 'import torch\n\ndef main():\n    torch.distributed.init_process_group(backend="nccl")\n',
      output: 'import torch\n\ndef main():\n    torch.distributed.init_process_group(backend="hccl")\n',
    },
    {
      name: 'from-import with an alias',
      code: 'from torch.distributed import init_process_group as ipg\nipg("nccl", rank=r)\n',
      output: 'from torch.distributed import init_process_group as ipg\nipg("hccl", rank=r)\n',
    },
    {
      name: 'new_group positional and keyword, distributed_c10d',
      code: `${D}import torch.distributed.distributed_c10d as c10d\ng = dist.new_group([0, 1], None, "nccl")\nh = c10d.new_group(ranks, backend="nccl")\n`,
      output: `${D}import torch.distributed.distributed_c10d as c10d\ng = dist.new_group([0, 1], None, "hccl")\nh = c10d.new_group(ranks, backend="hccl")\n`,
      changes: ['"nccl" → "hccl" (new_group backend)', '"nccl" → "hccl" (new_group backend)'],
    },
    {
      name: 'upper case keeps its case',
      code: `${D}dist.init_process_group("NCCL")\n`,
      output: `${D}dist.init_process_group("HCCL")\n`,
    },
    {
      name: 'conditional expression',
      code: `${D}import torch\ndist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")\n`,
      output: `${D}import torch\ndist.init_process_group("hccl" if torch.cuda.is_available() else "gloo")\n`,
    },
    {
      name: 'a local variable that flows into the backend',
      code: `${D}\ndef setup(rank):\n    kind = "nccl"\n    dist.init_process_group(kind, rank=rank)\n`,
      output: `${D}\ndef setup(rank):\n    kind = "hccl"\n    dist.init_process_group(kind, rank=rank)\n`,
      changes: ['"nccl" → "hccl" (init_process_group backend, via kind)'],
    },
    {
      name: 'a parameter default that flows into the backend',
      code: `${D}\nclass Trainer:\n    def setup(self, rank, be="nccl"):\n        dist.init_process_group(be, rank=rank)\n`,
      output: `${D}\nclass Trainer:\n    def setup(self, rank, be="hccl"):\n        dist.init_process_group(be, rank=rank)\n`,
    },
    {
      name: 'environment default',
      code: `import os\n${D}backend = os.environ.get("DIST_BACKEND", "nccl")\ndist.init_process_group(backend)\n`,
      output: `import os\n${D}backend = os.environ.get("DIST_BACKEND", "hccl")\ndist.init_process_group(backend)\n`,
    },
    {
      name: 'argparse option: default, choices and comparisons; help text kept',
      code:
        `import argparse\n${D}p = argparse.ArgumentParser()\n` +
        'p.add_argument("--dist-backend", default="nccl", choices=["nccl", "gloo"], help="nccl or gloo")\n' +
        'args = p.parse_args()\ndist.init_process_group(backend=args.dist_backend)\nif args.dist_backend == "nccl":\n    torch.cuda.set_device(args.local_rank)\n',
      output:
        `import argparse\n${D}p = argparse.ArgumentParser()\n` +
        'p.add_argument("--dist-backend", default="hccl", choices=["hccl", "gloo"], help="nccl or gloo")\n' +
        'args = p.parse_args()\ndist.init_process_group(backend=args.dist_backend)\nif args.dist_backend == "hccl":\n    torch.cuda.set_device(args.local_rank)\n',
      changes: [
        '"nccl" → "hccl" (--dist-backend default)',
        '"nccl" → "hccl" (--dist-backend choices)',
        '"nccl" → "hccl" (comparison with args.dist_backend)',
      ],
    },
    {
      name: 'argparse option whose name is not a backend but flows into one',
      code: `import argparse\n${D}p = argparse.ArgumentParser()\np.add_argument("--comm", default="nccl")\nargs = p.parse_args()\ndist.init_process_group(args.comm)\n`,
      output: `import argparse\n${D}p = argparse.ArgumentParser()\np.add_argument("--comm", default="hccl")\nargs = p.parse_args()\ndist.init_process_group(args.comm)\n`,
      changes: ['"nccl" → "hccl" (--comm default)'],
    },
    {
      name: 'argparse option named backend, declared here, used elsewhere; set_defaults',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--backend", type=str, default="nccl")\np.set_defaults(dist_backend="nccl")\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--backend", type=str, default="hccl")\np.set_defaults(dist_backend="hccl")\n',
    },
    {
      name: 'comparisons with get_backend(), reversed, via a variable, with in',
      code:
        `${D}if dist.get_backend() == "nccl":\n    a = 1\nif "nccl" != dist.get_backend(group):\n    a = 2\n` +
        'def f():\n    b = dist.get_backend()\n    assert b in ("gloo", "nccl"), "unsupported backend"\n',
      output:
        `${D}if dist.get_backend() == "hccl":\n    a = 1\nif "hccl" != dist.get_backend(group):\n    a = 2\n` +
        'def f():\n    b = dist.get_backend()\n    assert b in ("gloo", "hccl"), "unsupported backend"\n',
    },
    {
      name: 'comparison through .lower() on a backend option',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--dist_backend", default="gloo")\nargs = p.parse_args()\nuse = args.dist_backend.lower() == "nccl"\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--dist_backend", default="gloo")\nargs = p.parse_args()\nuse = args.dist_backend.lower() == "hccl"\n',
    },
    {
      name: 'Backend.NCCL is the string "nccl"',
      code: `${D}dist.init_process_group(dist.Backend.NCCL)\n`,
      output: `${D}dist.init_process_group("hccl")\n`,
      changes: ['dist.Backend.NCCL → "hccl"'],
    },
    {
      name: 'Backend.NCCL through from-import, in a comparison, single-quoted file',
      code: "from torch.distributed import Backend, get_backend\nif get_backend() == Backend.NCCL:\n    x = 'a'\n",
      output: "from torch.distributed import Backend, get_backend\nif get_backend() == 'hccl':\n    x = 'a'\n",
    },
    {
      name: 'Backend("nccl")',
      code: `${D}b = dist.Backend("nccl")\n`,
      output: `${D}b = dist.Backend("hccl")\n`,
    },
    {
      name: 'is_nccl_available through a module alias',
      code: `${D}if dist.is_available() and dist.is_nccl_available():\n    pass\n`,
      output: `${D}if dist.is_available() and dist.is_hccl_available():\n    pass\n`,
      changes: ['dist.is_nccl_available → is_hccl_available'],
    },
    {
      name: 'is_nccl_available from-import keeps the local name',
      code: 'from torch.distributed import is_nccl_available, get_rank\nok = is_nccl_available()\n',
      output: 'from torch.distributed import is_hccl_available as is_nccl_available, get_rank\nok = is_nccl_available()\n',
      changes: ['from torch.distributed import is_nccl_available → is_hccl_available as is_nccl_available'],
    },
    {
      name: 'is_nccl_available from-import with an alias',
      code: 'from torch.distributed import is_nccl_available as has_nccl\n',
      output: 'from torch.distributed import is_hccl_available as has_nccl\n',
    },
    {
      name: 'per-device backend list',
      code: `${D}dist.init_process_group(backend="cpu:gloo,cuda:nccl")\n`,
      output: `${D}dist.init_process_group(backend="cpu:gloo,npu:hccl")\n`,
      changes: ['"cpu:gloo,cuda:nccl" → "cpu:gloo,npu:hccl" (init_process_group backend)'],
    },
    {
      name: 'names that say backend: keyword of another library, attribute, dict key, environment',
      code: 'import os\nstrategy = DDPStrategy(process_group_backend="nccl")\nself.dist_backend = "nccl"\ncfg = {"backend": "nccl", "world": 8}\nos.environ["DIST_BACKEND"] = "nccl"\n',
      output: 'import os\nstrategy = DDPStrategy(process_group_backend="hccl")\nself.dist_backend = "hccl"\ncfg = {"backend": "hccl", "world": 8}\nos.environ["DIST_BACKEND"] = "hccl"\n',
      changes: [
        '"nccl" → "hccl" (process_group_backend=)',
        '"nccl" → "hccl" (self.dist_backend = ...)',
        '"nccl" → "hccl" ("backend" key)',
        '"nccl" → "hccl" (os.environ["DIST_BACKEND"] = ...)',
      ],
    },
    {
      name: 'a backend attribute assigned and compared in a class',
      code: 'class T:\n    def __init__(self):\n        self.backend = "nccl"\n\n    def run(self):\n        if self.backend == "nccl":\n            return 1\n',
      output: 'class T:\n    def __init__(self):\n        self.backend = "hccl"\n\n    def run(self):\n        if self.backend == "hccl":\n            return 1\n',
    },
    {
      name: 'print next to code: only the code changes',
      code: `${D}print("nccl"); dist.init_process_group("nccl")\n`,
      output: `${D}print("nccl"); dist.init_process_group("hccl")\n`,
    },
    {
      name: 'nested call in a function argument',
      code: `${D}run(dist.new_group(ranks=list(range(4)), backend="nccl"), timeout=t)\n`,
      output: `${D}run(dist.new_group(ranks=list(range(4)), backend="hccl"), timeout=t)\n`,
    },
    {
      name: 'no trailing newline',
      code: `${D}dist.init_process_group("nccl")`,
      output: `${D}dist.init_process_group("hccl")`,
    },
    // --- unsafe: the role is not shown
    {
      name: 'a dict key whose role is not shown: unsafe',
      code: 'sizes = {"nccl": 8, "gloo": 1}\n',
      output: 'sizes = {"nccl": 8, "gloo": 1}\n',
      manual: ['[unsafe] "nccl" → "hccl" (role not shown)'],
    },
    {
      name: 'a dict key whose role is not shown, with --unsafe',
      code: 'sizes = {"nccl": 8, "gloo": 1}\n',
      output: 'sizes = {"hccl": 8, "gloo": 1}\n',
      unsafe: true,
    },
    {
      name: 'a comparison with an unknown parameter: unsafe',
      code: `${D}\ndef f(backend):\n    if backend == "nccl":\n        return 1\n`,
      output: `${D}\ndef f(backend):\n    if backend == "nccl":\n        return 1\n`,
      manual: ['[unsafe] "nccl" → "hccl" (role not shown)'],
    },
    {
      name: 'a parameter shadowing dist is not torch.distributed: unsafe',
      code: `${D}\ndef f(dist):\n    dist.init_process_group("nccl")\n`,
      output: `${D}\ndef f(dist):\n    dist.init_process_group("nccl")\n`,
      manual: ['[unsafe] "nccl" → "hccl" (role not shown)'],
    },
    {
      name: 'an option whose name is not a backend and is not used as one: unsafe',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--comm", default="nccl")\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--comm", default="nccl")\n',
      manual: ['[unsafe] "nccl" → "hccl" (role not shown)'],
    },
    // --- environment variables
    {
      name: 'NCCL variables with an HCCL twin',
      code:
        'import os\nimport subprocess\nfrom os import environ\n' +
        'os.environ["NCCL_SOCKET_IFNAME"] = "eth0"\nflag = os.getenv("TORCH_NCCL_ASYNC_ERROR_HANDLING", "1")\n' +
        'os.environ.setdefault("NCCL_BLOCKING_WAIT", "1")\nenviron["TORCH_NCCL_DESYNC_DEBUG"] = "1"\n' +
        'subprocess.run(cmd, env={**os.environ, "NCCL_SOCKET_IFNAME": nic})\n',
      output:
        'import os\nimport subprocess\nfrom os import environ\n' +
        'os.environ["HCCL_SOCKET_IFNAME"] = "eth0"\nflag = os.getenv("TORCH_HCCL_ASYNC_ERROR_HANDLING", "1")\n' +
        'os.environ.setdefault("TORCH_HCCL_BLOCKING_WAIT", "1")\nenviron["TORCH_HCCL_DESYNC_DEBUG"] = "1"\n' +
        'subprocess.run(cmd, env={**os.environ, "HCCL_SOCKET_IFNAME": nic})\n',
      changes: [
        'NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME (environment variable)',
        'TORCH_NCCL_ASYNC_ERROR_HANDLING → TORCH_HCCL_ASYNC_ERROR_HANDLING (environment variable)',
        'NCCL_BLOCKING_WAIT → TORCH_HCCL_BLOCKING_WAIT (environment variable)',
        'TORCH_NCCL_DESYNC_DEBUG → TORCH_HCCL_DESYNC_DEBUG (environment variable)',
        'NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME (environment variable)',
      ],
    },
    {
      name: 'keyword form of an environment name',
      code: 'import os\nenv = dict(os.environ, NCCL_SOCKET_IFNAME="ib0")\n',
      output: 'import os\nenv = dict(os.environ, HCCL_SOCKET_IFNAME="ib0")\n',
    },
    {
      name: 'NCCL variables with no twin: manual with the closest HCCL setting',
      code: 'import os\nos.environ["NCCL_DEBUG"] = "INFO"\nos.environ["NCCL_IB_DISABLE"] = "1"\nos.environ["NCCL_P2P_DISABLE"] = "1"\nos.environ["TORCH_NCCL_AVOID_RECORD_STREAMS"] = "1"\n',
      output: 'import os\nos.environ["NCCL_DEBUG"] = "INFO"\nos.environ["NCCL_IB_DISABLE"] = "1"\nos.environ["NCCL_P2P_DISABLE"] = "1"\nos.environ["TORCH_NCCL_AVOID_RECORD_STREAMS"] = "1"\n',
      manual: [
        '[manual] NCCL_DEBUG has no HCCL twin',
        '[manual] NCCL_IB_DISABLE has no HCCL twin',
        '[manual] NCCL_P2P_DISABLE has no HCCL twin',
        '[manual] TORCH_NCCL_AVOID_RECORD_STREAMS has no HCCL twin',
      ],
    },
    {
      name: 'NCCL_BUFFSIZE: the twin takes MB, not bytes',
      code: 'import os\nos.environ["NCCL_BUFFSIZE"] = str(8 * 1024 * 1024)\n',
      output: 'import os\nos.environ["NCCL_BUFFSIZE"] = str(8 * 1024 * 1024)\n',
      manual: ['[manual] NCCL_BUFFSIZE: HCCL_BUFFSIZE takes other units'],
    },
    // --- ProcessGroupNCCL
    {
      name: 'ProcessGroupNCCL.Options: manual',
      code: `${D}opts = dist.ProcessGroupNCCL.Options()\nopts.is_high_priority_stream = True\ndist.init_process_group("nccl", pg_options=opts)\n`,
      output: `${D}opts = dist.ProcessGroupNCCL.Options()\nopts.is_high_priority_stream = True\ndist.init_process_group("hccl", pg_options=opts)\n`,
      manual: ['[manual] torch.distributed.ProcessGroupNCCL.Options has no public HCCL twin'],
    },
    {
      name: 'ProcessGroupNCCL imported by name: reported at the use',
      code: 'from torch.distributed import ProcessGroupNCCL\nif isinstance(pg, ProcessGroupNCCL):\n    pass\n',
      output: 'from torch.distributed import ProcessGroupNCCL\nif isinstance(pg, ProcessGroupNCCL):\n    pass\n',
      manual: ['[manual] torch.distributed.ProcessGroupNCCL has no public HCCL twin'],
    },
    {
      name: 'ProcessGroupNCCL imported and unused: reported at the import',
      code: 'from torch.distributed import ProcessGroupNCCL\n',
      output: 'from torch.distributed import ProcessGroupNCCL\n',
      manual: ['[manual] torch.distributed.ProcessGroupNCCL has no public HCCL twin'],
    },
  ],
});

runFixtures(ncclToHccl, path.join(__dirname, 'fixtures'));
