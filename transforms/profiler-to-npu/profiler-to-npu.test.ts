import * as path from 'node:path';
import { runPassCases, convertWith } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { profilerToNpu } from './profiler-to-npu';

const IMPORT_NPU = 'import torch_npu';

runPassCases(profilerToNpu, {
  valid: [
    // record_function works under torch_npu.profiler: left as it is (ascend-facts.md: in no table)
    'import torch\nwith torch.profiler.record_function("forward"):\n    y = model(x)\n',
    'from torch.profiler import record_function\nwith record_function("step"):\n    pass\n',
    'from torch.autograd.profiler import record_function\nwith record_function("step"):\n    pass\n',
    // methods of the profiler object
    'def run(prof):\n    prof.step()\n    prof.export_chrome_trace("trace.json")\n',
    // already NPU
    'import torch_npu\nwith torch_npu.profiler.profile(activities=[torch_npu.profiler.ProfilerActivity.NPU]) as prof:\n    prof.step()\n',
    'from torch_npu.profiler import profile, ProfilerActivity\np = profile(activities=[ProfilerActivity.CPU, ProfilerActivity.NPU])\n',
    'import torch_npu\ncfg = torch_npu.profiler._ExperimentalConfig(profiler_level=torch_npu.profiler.ProfilerLevel.Level1)\np = torch_npu.profiler.profile(experimental_config=cfg)\n',
    'import torch_npu\np = torch_npu.profiler.profile(experimental_config=torch_npu.profiler._ExperimentalConfig())\n',
    // the autograd profiler on the CPU
    'import torch\nwith torch.autograd.profiler.profile() as prof:\n    y = model(x)\n',
    'import torch\nwith torch.autograd.profiler.profile(use_cuda=False) as prof:\n    y = model(x)\n',
    'from torch.autograd import profiler\nwith profiler.profile(use_device="cpu"):\n    pass\n',
    // not torch's profiler: other libraries, locals, parameters, strings, comments
    'import jax\njax.profiler.start_trace("/tmp/trace")\n',
    'from tensorflow import profiler\nprofiler.experimental.start("logs")\n',
    'import torch\n\n\ndef f(torch):\n    return torch.profiler.profile()\n',
    'from torch.profiler import record_function\n\n\ndef f(profile, ProfilerActivity):\n    return profile(activities=[ProfilerActivity.CUDA])\n',
    'import torch\n# torch.profiler.profile(activities=[ProfilerActivity.CUDA])\nx = "torch.profiler.ProfilerActivity.CUDA"\n',
    'class ProfilerActivity:\n    CUDA = 1\n\n\nuse = ProfilerActivity.CUDA\n',
    'import torch\nkinds = torch.autograd.DeviceType.CUDA\n',
    // other torch.profiler names with no CUDA part
    'import torch.profiler\ntorch.profiler.itt.mark("x")\n',
    'from torch import profiler\nwith profiler.record_function("x"):\n    pass\n',
    'import torch.profiler as P\nwith P.record_function("x"):\n    y = P.itt.is_available()\n',
    'from torch_npu import profiler\nwith profiler.profile(activities=[profiler.ProfilerActivity.NPU]) as p:\n    p.step()\n',
    'import torch_npu\nfrom torch_npu.profiler import profile\n\n\ndef run(cfg):\n    return profile(experimental_config=None)\n',
  ],
  invalid: [
    {
      name: 'the full idiom through import torch',
      code:
        'import torch\n\nwith torch.profiler.profile(\n    activities=[torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA],\n' +
        '    schedule=torch.profiler.schedule(wait=1, warmup=1, active=3),\n    on_trace_ready=torch.profiler.tensorboard_trace_handler("./log"),\n) as prof:\n' +
        '    for step in range(5):\n        train_step()\n        prof.step()\n',
      output:
        'import torch\nimport torch_npu\n\nwith torch_npu.profiler.profile(\n    activities=[torch_npu.profiler.ProfilerActivity.CPU, torch_npu.profiler.ProfilerActivity.NPU],\n' +
        '    schedule=torch_npu.profiler.schedule(wait=1, warmup=1, active=3),\n    on_trace_ready=torch_npu.profiler.tensorboard_trace_handler("./log"),\n) as prof:\n' +
        '    for step in range(5):\n        train_step()\n        prof.step()\n',
      changes: [
        IMPORT_NPU,
        'torch.profiler.profile → torch_npu.profiler.profile',
        'torch.profiler.ProfilerActivity.CPU → torch_npu.profiler.ProfilerActivity.CPU',
        'torch.profiler.ProfilerActivity.CUDA → torch_npu.profiler.ProfilerActivity.NPU',
        'torch.profiler.schedule → torch_npu.profiler.schedule',
        'torch.profiler.tensorboard_trace_handler → torch_npu.profiler.tensorboard_trace_handler',
      ],
    },
    {
      name: 'from torch.profiler import profile, ProfilerActivity, schedule, tensorboard_trace_handler',
      code:
        'from torch.profiler import profile, ProfilerActivity, schedule, tensorboard_trace_handler\n\n' +
        'with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA], schedule=schedule(wait=1, active=2),\n' +
        '             on_trace_ready=tensorboard_trace_handler(log_dir)) as prof:\n    prof.step()\n',
      output:
        'from torch_npu.profiler import profile, ProfilerActivity, schedule, tensorboard_trace_handler\n\n' +
        'with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.NPU], schedule=schedule(wait=1, active=2),\n' +
        '             on_trace_ready=tensorboard_trace_handler(log_dir)) as prof:\n    prof.step()\n',
      changes: [
        'from torch.profiler import profile, ProfilerActivity, schedule, tensorboard_trace_handler → from torch_npu.profiler import profile, ProfilerActivity, schedule, tensorboard_trace_handler',
      ],
    },
    {
      name: 'from-import with aliases',
      code: 'from torch.profiler import profile as tprof, ProfilerActivity as PA\np = tprof(activities=[PA.CUDA])\n',
      output: 'from torch_npu.profiler import profile as tprof, ProfilerActivity as PA\np = tprof(activities=[PA.NPU])\n',
    },
    {
      name: 'record_function stays on torch.profiler: the import is split',
      code: 'from torch.profiler import profile, record_function, ProfilerActivity\nwith profile(activities=[ProfilerActivity.CUDA]):\n    with record_function("fwd"):\n        pass\n',
      output:
        'from torch.profiler import record_function\nfrom torch_npu.profiler import profile, ProfilerActivity\nwith profile(activities=[ProfilerActivity.NPU]):\n    with record_function("fwd"):\n        pass\n',
      changes: ['from torch.profiler import profile, ProfilerActivity → from torch_npu.profiler import profile, ProfilerActivity (split; the other names stay)'],
    },
    {
      name: 'from torch import profiler (alone): the import is converted, uses keep their name',
      code: 'from torch import profiler\nwith profiler.profile(activities=[profiler.ProfilerActivity.CPU, profiler.ProfilerActivity.CUDA]) as p:\n    p.step()\n',
      output: 'from torch_npu import profiler\nwith profiler.profile(activities=[profiler.ProfilerActivity.CPU, profiler.ProfilerActivity.NPU]) as p:\n    p.step()\n',
      changes: ['from torch import profiler: torch.profiler → torch_npu.profiler'],
    },
    {
      name: 'import torch.profiler as P',
      code: 'import torch.profiler as P\nsched = P.schedule(wait=1, warmup=1, active=2)\nacts = [P.ProfilerActivity.CUDA]\n',
      output: 'import torch_npu.profiler as P\nsched = P.schedule(wait=1, warmup=1, active=2)\nacts = [P.ProfilerActivity.NPU]\n',
    },
    {
      name: 'from torch import profiler used with record_function too: the twin uses are converted one by one',
      code: 'import torch\nfrom torch import profiler\nwith profiler.profile(activities=[profiler.ProfilerActivity.CUDA]):\n    with profiler.record_function("x"):\n        pass\n',
      output:
        'import torch\nimport torch_npu\nfrom torch import profiler\nwith torch_npu.profiler.profile(activities=[torch_npu.profiler.ProfilerActivity.NPU]):\n    with profiler.record_function("x"):\n        pass\n',
    },
    {
      name: 'from torch import nn, profiler: the statement keeps nn, the uses are converted',
      code: 'from torch import nn, profiler\np = profiler.profile()\n',
      output: 'from torch import nn, profiler\nimport torch_npu\np = torch_npu.profiler.profile()\n',
    },
    {
      name: 'import torch as th; import torch.profiler',
      code: 'import torch as th\nimport torch.profiler\nacts = [th.profiler.ProfilerActivity.CUDA]\nhandler = torch.profiler.tensorboard_trace_handler("out")\n',
      output:
        'import torch as th\nimport torch_npu\nimport torch.profiler\nacts = [torch_npu.profiler.ProfilerActivity.NPU]\nhandler = torch_npu.profiler.tensorboard_trace_handler("out")\n',
    },
    {
      name: 'an existing import torch_npu as alias is used',
      code: 'import torch\nimport torch_npu as tnpu\np = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA])\n',
      output: 'import torch\nimport torch_npu as tnpu\np = tnpu.profiler.profile(activities=[tnpu.profiler.ProfilerActivity.NPU])\n',
    },
    {
      name: 'a torch_npu submodule import does not bind torch_npu: import torch_npu added',
      code: 'import torch\nfrom torch_npu.contrib import transfer_to_npu\np = torch.profiler.profile()\n',
      output: 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\np = torch_npu.profiler.profile()\n',
    },
    {
      name: 'ProfilerAction and supported_activities',
      code: 'import torch\nif torch.profiler.ProfilerActivity.CUDA in torch.profiler.supported_activities():\n    a = torch.profiler.ProfilerAction.RECORD\n',
      output:
        'import torch\nimport torch_npu\nif torch_npu.profiler.ProfilerActivity.NPU in torch_npu.profiler.supported_activities():\n    a = torch_npu.profiler.ProfilerAction.RECORD\n',
    },
    {
      name: 'a CUDA experimental_config: deleted with --unsafe',
      code:
        'import torch\np = torch.profiler.profile(\n    activities=[torch.profiler.ProfilerActivity.CUDA],\n    experimental_config=torch._C._profiler._ExperimentalConfig(verbose=True),\n)\n',
      output: 'import torch\nimport torch_npu\np = torch_npu.profiler.profile(\n    activities=[torch_npu.profiler.ProfilerActivity.NPU],\n)\n',
      unsafe: true,
    },
    {
      name: 'a CUDA experimental_config: listed, kept without --unsafe',
      code: 'from torch.profiler import profile, _ExperimentalConfig\np = profile(experimental_config=_ExperimentalConfig(verbose=True), record_shapes=True)\n',
      output:
        'from torch.profiler import _ExperimentalConfig\nfrom torch_npu.profiler import profile\np = profile(experimental_config=_ExperimentalConfig(verbose=True), record_shapes=True)\n',
      manual: ['[unsafe] experimental_config=torch.profiler._ExperimentalConfig(...) removed (CUDA only)'],
    },
    {
      name: 'a CUDA experimental_config as the first of two arguments, --unsafe',
      code: 'import torch\np = torch.profiler.profile(experimental_config=torch._C._profiler._ExperimentalConfig(), with_stack=True)\n',
      output: 'import torch\nimport torch_npu\np = torch_npu.profiler.profile(with_stack=True)\n',
      unsafe: true,
    },
    {
      name: 'experimental_config from a variable: manual; its CUDA construction too',
      code: 'import torch\ncfg = torch._C._profiler._ExperimentalConfig(verbose=True)\np = torch.profiler.profile(experimental_config=cfg)\n',
      output: 'import torch\nimport torch_npu\ncfg = torch._C._profiler._ExperimentalConfig(verbose=True)\np = torch_npu.profiler.profile(experimental_config=cfg)\n',
      manual: [
        '[manual] torch._C._profiler._ExperimentalConfig(...): a CUDA profiler config',
        '[manual] experimental_config of the profiler: check that it is an NPU config',
      ],
    },
    {
      name: 'use_cuda= of torch.profiler.profile: converted, the option reported',
      code: 'import torch\nwith torch.profiler.profile(use_cuda=True) as p:\n    pass\n',
      output: 'import torch\nimport torch_npu\nwith torch_npu.profiler.profile(use_cuda=True) as p:\n    pass\n',
      manual: ['[manual] profile(use_cuda=True): a CUDA option'],
    },
    {
      name: 'torch.autograd.profiler.profile(use_cuda=True): manual',
      code: 'import torch\nwith torch.autograd.profiler.profile(use_cuda=True) as prof:\n    y = model(x)\n',
      output: 'import torch\nwith torch.autograd.profiler.profile(use_cuda=True) as prof:\n    y = model(x)\n',
      manual: ['[manual] torch.autograd.profiler.profile(use_cuda=True): no NPU twin'],
    },
    {
      name: 'autograd profiler through from torch.autograd import profiler, use_device="cuda" and use_cuda=args.cuda',
      code: 'from torch.autograd import profiler as ap\nwith ap.profile(use_device="cuda"):\n    pass\nwith ap.profile(use_cuda=args.cuda):\n    pass\n',
      output: 'from torch.autograd import profiler as ap\nwith ap.profile(use_device="cuda"):\n    pass\nwith ap.profile(use_cuda=args.cuda):\n    pass\n',
      manual: [
        '[manual] torch.autograd.profiler.profile(use_device="cuda"): no NPU twin',
        '[manual] torch.autograd.profiler.profile(use_cuda=args.cuda): no NPU twin',
      ],
    },
    {
      name: 'emit_nvtx: manual with the mstx hint',
      code: 'import torch\nwith torch.autograd.profiler.emit_nvtx():\n    y = model(x)\n',
      output: 'import torch\nwith torch.autograd.profiler.emit_nvtx():\n    y = model(x)\n',
      manual: ['[manual] torch.autograd.profiler.emit_nvtx has no NPU twin'],
    },
    {
      name: 'ProfilerActivity member without a twin',
      code: 'import torch\nacts = [torch.profiler.ProfilerActivity.XPU]\n',
      output: 'import torch\nacts = [torch.profiler.ProfilerActivity.XPU]\n',
      manual: ['[manual] torch.profiler.ProfilerActivity.XPU: no NPU twin'],
    },
    {
      name: 'from torch.profiler import *',
      code: 'from torch.profiler import *\np = profile()\n',
      output: 'from torch.profiler import *\np = profile()\n',
      manual: ['[manual] from torch.profiler import *'],
    },
    {
      name: 'the name torch_npu is taken',
      code: 'import torch\ntorch_npu = None\np = torch.profiler.profile()\n',
      output: 'import torch\ntorch_npu = None\np = torch.profiler.profile()\n',
      manual: ['[manual] torch.profiler.profile not converted: the name torch_npu is taken in this file'],
    },
    {
      name: 'inside a function, import in a try block',
      code:
        'try:\n    import torch\nexcept ImportError:\n    torch = None\n\n\ndef trace(fn, out):\n    with torch.profiler.profile(on_trace_ready=torch.profiler.tensorboard_trace_handler(out)) as p:\n        fn()\n',
      output:
        'try:\n    import torch\n    import torch_npu\nexcept ImportError:\n    torch = None\n\n\ndef trace(fn, out):\n    with torch_npu.profiler.profile(on_trace_ready=torch_npu.profiler.tensorboard_trace_handler(out)) as p:\n        fn()\n',
    },
  ],
});

describe('profiler-to-npu hints', () => {
  it('explains how to build an NPU experimental config', () => {
    const r = convertWith(profilerToNpu, 'import torch\np = torch.profiler.profile(experimental_config=torch._C._profiler._ExperimentalConfig())\n');
    expect(r.manual.map((m) => m.hint)).toEqual([expect.stringContaining('torch_npu.profiler._ExperimentalConfig(')]);
  });
  it('emit_nvtx points to mstx', () => {
    const r = convertWith(profilerToNpu, 'import torch\nwith torch.autograd.profiler.emit_nvtx():\n    pass\n');
    expect(r.manual[0].hint).toContain('torch_npu.npu.mstx');
  });
});

runFixtures(profilerToNpu, path.join(__dirname, 'fixtures'));
