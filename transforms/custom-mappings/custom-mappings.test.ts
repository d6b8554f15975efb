import * as path from 'node:path';
import { runPassCases, convertWith } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { customMappings } from './custom-mappings';
import { PASSES } from '..';

const M = { mappings: { 'mylib.cuda_sync': 'mylib.npu_sync' } };
const MOD = { mappings: { 'mylib.cuda': 'mylib.npu' } };
const OTHER = { mappings: { 'mylib.cuda_sync': 'npulib.ops.sync' } };
const BOTH = { mappings: { 'mylib.cuda': 'mylib.npu', 'mylib.cuda.sync': 'mylib.npu.device_sync' } };
const TOP = { mappings: { cupy: 'numpy' } };

runPassCases(customMappings, {
  valid: [
    // no mappings: nothing happens, whatever the code
    'import mylib\nmylib.cuda_sync()\n',
    // strings, comments, docstrings, look-alikes: never touched
    { ...M, code: 'import mylib\n# mylib.cuda_sync()\nname = "mylib.cuda_sync"\nf = getattr(mylib, "cuda_sync")\n' },
    { ...M, code: 'def f():\n    """Call mylib.cuda_sync() first."""\n    log.info("mylib.cuda_sync done")\n' },
    // not mylib: another library, a local, a parameter, a class attribute
    { ...M, code: 'import otherlib\notherlib.cuda_sync()\n' },
    { ...M, code: 'import mylib\n\n\ndef f(mylib):\n    return mylib.cuda_sync()\n' },
    { ...M, code: 'import mylib\n\n\ndef f():\n    mylib = make()\n    mylib.cuda_sync()\n\n\nclass C:\n    mylib = None\n' },
    { ...M, code: 'class mylib:\n    @staticmethod\n    def cuda_sync():\n        pass\n\n\nmylib.cuda_sync()\n' },
    { ...M, code: 'cuda_sync()\nobj.mylib.cuda_sync()\n' },
    // another name of the same library, and a name that only starts the same
    { ...M, code: 'import mylib\nmylib.cuda_sync_all()\nmylib.other()\nfrom mylib import cuda_sync_all\n' },
    // already converted (the second run)
    { ...M, code: 'import mylib\nmylib.npu_sync()\nfrom mylib import npu_sync as cuda_sync\nfrom mylib import npu_sync as s\n' },
    { ...MOD, code: 'import mylib.npu as mc\nfrom mylib.npu import sync\nfrom mylib import npu as cuda\n' },
    // relative imports are the package's own code
    { ...M, code: 'from . import cuda_sync\nfrom .mylib import cuda_sync as s\n' },
    // a module mapping does not touch a module that only starts the same
    { ...MOD, code: 'import mylib.cudax\nfrom mylib.cuda_utils import x\nmylib.cudax.f()\n' },
  ],
  invalid: [
    {
      name: 'the issue: import mylib; mylib.cuda_sync()',
      ...M,
      code: 'import mylib\nmylib.cuda_sync()\n',
      output: 'import mylib\nmylib.npu_sync()\n',
      changes: ['mylib.cuda_sync → mylib.npu_sync'],
    },
    {
      name: 'the issue: from mylib import cuda_sync as s; s()',
      ...M,
      code: 'from mylib import cuda_sync as s\ns()\n',
      output: 'from mylib import npu_sync as s\ns()\n',
      changes: ['from mylib import cuda_sync → npu_sync'],
    },
    {
      name: 'no alias: the local name stays bound, the uses stay',
      ...M,
      code: 'from mylib import cuda_sync\n\ncuda_sync()\nhandlers = [cuda_sync]\n',
      output: 'from mylib import npu_sync as cuda_sync\n\ncuda_sync()\nhandlers = [cuda_sync]\n',
    },
    {
      name: 'a local of the same name is not the library\'s: only the import changes',
      ...M,
      code: 'from mylib import cuda_sync\n\n\ndef f():\n    cuda_sync = lambda: None\n    cuda_sync()\n',
      output: 'from mylib import npu_sync as cuda_sync\n\n\ndef f():\n    cuda_sync = lambda: None\n    cuda_sync()\n',
    },
    {
      name: 'a mixed from-import: only the mapped name changes',
      ...M,
      code: 'from mylib import (\n    load,\n    cuda_sync,  # keep\n    save as s,\n)\n',
      output: 'from mylib import (\n    load,\n    npu_sync as cuda_sync,  # keep\n    save as s,\n)\n',
    },
    {
      name: 'aliases of the module, calls and references, nested',
      ...M,
      code: 'import mylib as ml\n\n\ndef step(x):\n    ml.cuda_sync(ml.cuda_sync)\n    return [ml.cuda_sync() for _ in x] if x else ml.cuda_sync\n',
      output: 'import mylib as ml\n\n\ndef step(x):\n    ml.npu_sync(ml.npu_sync)\n    return [ml.npu_sync() for _ in x] if x else ml.npu_sync\n',
    },
    {
      name: 'an attribute of the mapped name',
      ...M,
      code: 'import mylib\nmylib.cuda_sync.__doc__\nmylib.cuda_sync.wait(timeout=3)\n',
      output: 'import mylib\nmylib.npu_sync.__doc__\nmylib.npu_sync.wait(timeout=3)\n',
    },
    {
      name: 'in an f-string expression, not in its text',
      ...M,
      code: 'import mylib\nmsg = f"mylib.cuda_sync: {mylib.cuda_sync()}"\n',
      output: 'import mylib\nmsg = f"mylib.cuda_sync: {mylib.npu_sync()}"\n',
    },
    {
      name: 'a module mapping: import a.b as m, from a.b import x, from a import b, chains',
      ...MOD,
      code: 'import mylib.cuda as mc\nimport mylib.cuda\nfrom mylib.cuda import sync, stream as st\nfrom mylib import cuda\nmylib.cuda.sync()\nmc.sync()\n',
      output: 'import mylib.npu as mc\nimport mylib.npu\nfrom mylib.npu import sync, stream as st\nfrom mylib import npu as cuda\nmylib.npu.sync()\nmc.sync()\n',
    },
    {
      name: 'a submodule below a mapped module',
      ...MOD,
      code: 'import mylib.cuda.kernels as K\nfrom mylib.cuda.kernels import gemm\n',
      output: 'import mylib.npu.kernels as K\nfrom mylib.npu.kernels import gemm\n',
    },
    {
      name: 'the longest mapping wins',
      ...BOTH,
      code: 'import mylib\nmylib.cuda.sync()\nmylib.cuda.stream()\nfrom mylib.cuda import sync, stream\n',
      output: 'import mylib\nmylib.npu.device_sync()\nmylib.npu.stream()\nfrom mylib.npu import device_sync as sync, stream\n',
    },
    {
      name: 'a target in another package: written in full, its module imported',
      ...OTHER,
      code: 'import mylib\n\nmylib.cuda_sync()\n',
      output: 'import mylib\nimport npulib.ops\n\nnpulib.ops.sync()\n',
      changes: ['import npulib.ops', 'mylib.cuda_sync → npulib.ops.sync'],
    },
    {
      name: 'a target in another package: a from-import of the one name moves',
      ...OTHER,
      code: 'from mylib import cuda_sync\ncuda_sync()\n',
      output: 'from npulib.ops import sync as cuda_sync\ncuda_sync()\n',
    },
    {
      name: 'a target in another package, from a mixed from-import: manual',
      ...OTHER,
      code: 'from mylib import load, cuda_sync\n',
      output: 'from mylib import load, cuda_sync\n',
      manual: ['mylib.cuda_sync is mapped to npulib.ops.sync, another module than the other names'],
    },
    {
      name: 'a top-level module: import cupy → import numpy as cupy',
      ...TOP,
      code: 'import cupy\nimport cupy as cp\nfrom cupy import asarray\nx = cupy.zeros(3)\n',
      output: 'import numpy as cupy\nimport numpy as cp\nfrom numpy import asarray\nx = cupy.zeros(3)\n',
    },
    {
      name: 'patching the library: manual',
      ...M,
      code: 'import mylib\nmylib.cuda_sync = my_sync\ndel mylib.cuda_sync\n',
      output: 'import mylib\nmylib.cuda_sync = my_sync\ndel mylib.cuda_sync\n',
      manual: ['is assigned to or deleted here', 'is assigned to or deleted here'],
    },
    {
      name: 'a star import of the mapped module: manual',
      ...M,
      code: 'from mylib import *\ncuda_sync()\n',
      output: 'from mylib import *\ncuda_sync()\n',
      manual: ['from mylib import *: mylib.cuda_sync is mapped to mylib.npu_sync'],
    },
    {
      name: 'a shadowing parameter in one function, the module in another',
      ...M,
      code: 'import mylib\n\n\ndef a(mylib):\n    mylib.cuda_sync()\n\n\ndef b():\n    mylib.cuda_sync()\n',
      output: 'import mylib\n\n\ndef a(mylib):\n    mylib.cuda_sync()\n\n\ndef b():\n    mylib.npu_sync()\n',
    },
    {
      name: 'a chain across lines in parentheses',
      ...BOTH,
      code: 'import mylib\nx = (mylib\n     .cuda\n     .sync())\n',
      output: 'import mylib\nx = (mylib\n     .npu\n     .device_sync())\n',
    },
    {
      name: 'import under TYPE_CHECKING and in a function',
      ...M,
      code: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mylib import cuda_sync\n\n\ndef f():\n    import mylib\n    mylib.cuda_sync()\n',
      output: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mylib import npu_sync as cuda_sync\n\n\ndef f():\n    import mylib\n    mylib.npu_sync()\n',
    },
  ],
});

describe('custom-mappings with the other passes', () => {
  it('runs first and leaves torch code to the built-in passes', () => {
    const code = 'import torch\nimport mylib\n\nmylib.cuda_sync()\ntorch.cuda.synchronize()\n';
    const r = convertWith(customMappings, code, { ...M, passes: PASSES });
    expect(r.output).toContain('mylib.npu_sync()\n');
    expect(r.output).toContain('torch.npu.synchronize()\n');
    expect(r.changes.filter((c) => c.passId === 'custom-mappings').map((c) => c.message)).toEqual(['mylib.cuda_sync → mylib.npu_sync']);
  });

  it('is enabled only with mappings, and triggered by the first names of the mapped names', () => {
    expect(customMappings.enabled!({ transferToNpu: false })).toBe(false);
    expect(customMappings.enabled!({ transferToNpu: false, mappings: {} })).toBe(false);
    const options = { transferToNpu: false, mappings: { 'mylib.cuda_sync': 'mylib.npu_sync', cupy: 'numpy' } };
    expect(customMappings.enabled!(options)).toBe(true);
    const re = customMappings.triggersFor!(options);
    expect(['import mylib', 'from cupy import x', 'import a, mylib.sub'].map((t) => re.test(t))).toEqual([true, true, true]);
    expect(['import mylibx', 'import my_mylib', 'import torch', 'x = "cupyx"'].map((t) => re.test(t))).toEqual([false, false, false, false]);
  });

  it('is listed first in the registry', () => {
    expect(PASSES[0].id).toBe('custom-mappings');
  });
});

runFixtures(customMappings, path.join(__dirname, 'fixtures'));
