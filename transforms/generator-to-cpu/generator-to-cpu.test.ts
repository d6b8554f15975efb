import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { generatorToCpu } from './generator-to-cpu';

const T = 'import torch\nfrom torch.utils.data import DataLoader, RandomSampler, WeightedRandomSampler, random_split\n';

runPassCases(generatorToCpu, {
  valid: [
    // already on the host or on the NPU
    `${T}g = torch.Generator(device="cpu")\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
    `${T}g = torch.Generator("npu:0")\ntrain, val = random_split(ds, [8, 2], generator=g)\n`,
    `${T}device = "cpu"\ng = torch.Generator(device=device)\nloader = DataLoader(ds, generator=g)\n`,
    // no device and no --transfer-to-npu: a CPU generator already
    `${T}g = torch.Generator()\ng.manual_seed(0)\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
    // comments, docstrings, strings
    `${T}# g = torch.Generator(device="cuda")\nx = 1\n`,
    `${T}\ndef f():\n    """Use torch.Generator(device="cuda") for loaders."""\n    return 1\n`,
    `${T}print("torch.Generator(device='cuda')")\n`,
    // user classes and other libraries' generators
    `${T}\nclass Generator(torch.nn.Module):\n    pass\n\nnet = Generator(device="cuda")\nloader = DataLoader(ds, generator=net)\n`,
    'from mygan import Generator\nG = Generator(device="cuda")\n',
    'import numpy as np\nrng = np.random.Generator(np.random.PCG64(0))\n',
    `${T}fake = self.generator(z)\n`,
    // no torch import / a parameter named torch
    'g = torch.Generator(device="cuda")\nloader = DataLoader(ds, generator=g)\n',
    `${T}\ndef f(torch):\n    g = torch.Generator(device="cuda")\n    return DataLoader(ds, generator=g)\n`,
    // a device the code does not show, used for something other than data loading
    `${T}\ndef make(dev):\n    return torch.Generator(device=dev)\n`,
    `${T}g = torch.Generator(device=x.device)\nnoise = torch.randn(3, device=x.device, generator=g)\n`,
    // --transfer-to-npu: a Generator() that is not used for data loading is left alone
    { code: `${T}g = torch.Generator()\nsample(model, generator=g)\n`, transferToNpu: true },
    { code: `${T}g = torch.Generator(device="cpu")\nloader = DataLoader(ds, generator=g)\n`, transferToNpu: true },
    { code: `${T}g = torch.Generator(device="npu")\nloader = DataLoader(ds, generator=g)\n`, transferToNpu: true },
    // an NPU generator that drives NPU ops is already migrated
    `${T}g = torch.Generator(device="npu")\nnoise = torch.randn(3, device="npu", generator=g)\n`,
    // a seeded generator that is never handed out
    `${T}g = torch.Generator(device="cpu").manual_seed(1)\n`,
    // a generator passed to a data loader that is not torch's
    `${T}g = torch.Generator()\nloader = mylib.DataLoader(ds, generator=g)\n`,
  ],
  invalid: [
    {
      name: 'CUDA generator used by a DataLoader',
      code: `${T}g = torch.Generator(device="cuda")\ng.manual_seed(0)\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      output: `${T}g = torch.Generator(device="cpu")\ng.manual_seed(0)\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      changes: ['torch.Generator(device="cuda") → torch.Generator(device="cpu") (DataLoader generator)'],
    },
    {
      name: 'positional "cuda:0" and a positional RandomSampler generator',
      code: `${T}g = torch.Generator('cuda:0')\nsampler = RandomSampler(ds, False, None, g)\n`,
      output: `${T}g = torch.Generator('cpu')\nsampler = RandomSampler(ds, False, None, g)\n`,
      changes: ["torch.Generator('cuda:0') → torch.Generator('cpu') (RandomSampler generator)"],
    },
    {
      name: 'inline in random_split with manual_seed',
      code: `${T}train, val = random_split(ds, [8, 2], generator=torch.Generator(device="cuda").manual_seed(42))\n`,
      output: `${T}train, val = random_split(ds, [8, 2], generator=torch.Generator(device="cpu").manual_seed(42))\n`,
    },
    {
      name: 'a CUDA device variable (torch.device with a conditional)',
      code: `${T}device = torch.device("cuda" if torch.cuda.is_available() else "cpu")\ng = torch.Generator(device=device)\nloader = DataLoader(ds, generator=g)\n`,
      output: `${T}device = torch.device("cuda" if torch.cuda.is_available() else "cpu")\ng = torch.Generator(device="cpu")\nloader = DataLoader(ds, generator=g)\n`,
      changes: ['torch.Generator(device=device) → torch.Generator(device="cpu") (DataLoader generator)'],
    },
    {
      name: 'args.device with an argparse default "cuda"',
      code: `import argparse\n${T}p = argparse.ArgumentParser()\np.add_argument("--device", default="cuda")\nargs = p.parse_args()\nsampler = WeightedRandomSampler(w, len(w), generator=torch.Generator(args.device))\n`,
      output: `import argparse\n${T}p = argparse.ArgumentParser()\np.add_argument("--device", default="cuda")\nargs = p.parse_args()\nsampler = WeightedRandomSampler(w, len(w), generator=torch.Generator("cpu"))\n`,
    },
    {
      name: 'a tensor\'s device, for data loading',
      code: `${T}\ndef loaders(ds, x):\n    g = torch.Generator(device=x.device)\n    return DataLoader(ds, generator=g)\n`,
      output: `${T}\ndef loaders(ds, x):\n    g = torch.Generator(device="cpu")\n    return DataLoader(ds, generator=g)\n`,
    },
    {
      name: 'an f-string device, for data loading',
      code: `${T}g = torch.Generator(device=f"cuda:{rank}")\nloader = DataLoader(ds, generator=g)\n`,
      output: `${T}g = torch.Generator(device="cpu")\nloader = DataLoader(ds, generator=g)\n`,
    },
    {
      name: 'aliases: import torch as th, from torch.utils import data',
      code: 'import torch as th\nfrom torch.utils import data as tud\ng = th.Generator(device="cuda")\nloader = tud.DataLoader(ds, generator=g)\n',
      output: 'import torch as th\nfrom torch.utils import data as tud\ng = th.Generator(device="cpu")\nloader = tud.DataLoader(ds, generator=g)\n',
    },
    {
      name: 'an attribute in a class',
      code: `${T}\nclass Data:\n    def __init__(self):\n        self.gen = torch.Generator(device="cuda")\n        self.gen.manual_seed(0)\n\n    def loader(self):\n        return DataLoader(self.ds, shuffle=True, generator=self.gen)\n`,
      output: `${T}\nclass Data:\n    def __init__(self):\n        self.gen = torch.Generator(device="cpu")\n        self.gen.manual_seed(0)\n\n    def loader(self):\n        return DataLoader(self.ds, shuffle=True, generator=self.gen)\n`,
    },
    {
      name: 'a host-side randperm',
      code: `${T}g = torch.Generator(device="cuda")\nperm = torch.randperm(len(ds), generator=g)\n`,
      output: `${T}g = torch.Generator(device="cpu")\nperm = torch.randperm(len(ds), generator=g)\n`,
      changes: ['torch.Generator(device="cuda") → torch.Generator(device="cpu") (torch.randperm generator)'],
    },
    {
      name: 'a name bound in one function does not see another function\'s uses',
      code: `${T}\ndef a():\n    g = torch.Generator(device="cuda")\n    return DataLoader(ds, generator=g)\n\ndef b(g):\n    return g.device\n`,
      output: `${T}\ndef a():\n    g = torch.Generator(device="cpu")\n    return DataLoader(ds, generator=g)\n\ndef b(g):\n    return g.device\n`,
    },
    {
      name: 'comment at the end of the line kept',
      code: `${T}g = torch.Generator(device="cuda")  # shuffling on the GPU\nloader = DataLoader(ds, generator=g)\n`,
      output: `${T}g = torch.Generator(device="cpu")  # shuffling on the GPU\nloader = DataLoader(ds, generator=g)\n`,
    },
    {
      name: 'a generator that drives random ops on the CUDA device becomes an NPU generator',
      code: `${T}g = torch.Generator(device=f"cuda:{rank}")\nnoise = torch.randn(4, 8, device="cuda", generator=g)\n`,
      output: `${T}g = torch.Generator(device=f"npu:{rank}")\nnoise = torch.randn(4, 8, device="cuda", generator=g)\n`,
      changes: ['torch.Generator(device=f"cuda:{rank}") → torch.Generator(device=f"npu:{rank}") (drives torch.randn on the device)'],
    },
    {
      name: 'device op, positional string',
      code: `${T}g = torch.Generator("cuda")\nx = torch.rand(3, device="cuda:0", generator=g)\n`,
      output: `${T}g = torch.Generator("npu")\nx = torch.rand(3, device="cuda:0", generator=g)\n`,
    },
    {
      name: 'the same generator for data loading and device ops: manual',
      code: `${T}g = torch.Generator("cuda")\nx = torch.rand(3, device="cuda", generator=g)\nloader = DataLoader(ds, generator=g)\n`,
      output: `${T}g = torch.Generator("cuda")\nx = torch.rand(3, device="cuda", generator=g)\nloader = DataLoader(ds, generator=g)\n`,
      manual: ['[manual] torch.Generator("cuda") feeds data loading and torch.rand on the device'],
    },
    {
      name: 'use not shown: unsafe',
      code: `${T}image = pipe(prompt, generator=torch.Generator("cuda").manual_seed(0)).images[0]\n`,
      output: `${T}image = pipe(prompt, generator=torch.Generator("cuda").manual_seed(0)).images[0]\n`,
      manual: ['[unsafe] torch.Generator("cuda") → torch.Generator("cpu") (use not shown to be data loading)'],
    },
    {
      name: 'use not shown, with --unsafe',
      code: `${T}image = pipe(prompt, generator=torch.Generator("cuda").manual_seed(0)).images[0]\n`,
      output: `${T}image = pipe(prompt, generator=torch.Generator("cpu").manual_seed(0)).images[0]\n`,
      unsafe: true,
    },
    {
      name: 'a file that sets a default device: unsafe',
      code: `${T}torch.set_default_device("cuda")\ng = torch.Generator(device="cuda")\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      output: `${T}torch.set_default_device("cuda")\ng = torch.Generator(device="cuda")\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      manual: ['[unsafe] torch.Generator(device="cuda") → torch.Generator(device="cpu") (DataLoader generator)'],
    },
    {
      name: '--transfer-to-npu: Generator() in a DataLoader gets device="cpu"',
      code: `${T}g = torch.Generator()\ng.manual_seed(seed)\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      output: `${T}g = torch.Generator(device="cpu")\ng.manual_seed(seed)\nloader = DataLoader(ds, shuffle=True, generator=g)\n`,
      changes: ['torch.Generator() → torch.Generator(device="cpu") (DataLoader generator, --transfer-to-npu)'],
      transferToNpu: true,
    },
    {
      name: '--transfer-to-npu: single-quoted file, inline in random_split',
      code: "import torch\nfrom torch.utils.data import random_split\nds = load('train')\ntrain, val = random_split(ds, [0.9, 0.1], generator=torch.Generator().manual_seed(0))\n",
      output: "import torch\nfrom torch.utils.data import random_split\nds = load('train')\ntrain, val = random_split(ds, [0.9, 0.1], generator=torch.Generator(device='cpu').manual_seed(0))\n",
      transferToNpu: true,
    },
    {
      name: '--transfer-to-npu: a CUDA generator is converted as without the option',
      code: `${T}loader = DataLoader(ds, generator=torch.Generator(device="cuda"))\n`,
      output: `${T}loader = DataLoader(ds, generator=torch.Generator(device="cpu"))\n`,
      transferToNpu: true,
    },
  ],
});

runFixtures(generatorToCpu, path.join(__dirname, 'fixtures'));
