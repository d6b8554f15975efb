import { CUDA_ONLY_CONSUMERS, CUDA_ONLY_TEXT, EXTENSION_LOADERS, KERNEL_DECORATORS, consumerOfString } from './cuda-only';

// CUDA_ONLY_TEXT is the flow's shortcut: a text it rejects is never searched for
// a consumer. Every way the table can name a consumer must therefore match it.
describe('CUDA_ONLY_TEXT', () => {
  const spelled: string[] = [];
  for (const c of CUDA_ONLY_CONSUMERS) {
    spelled.push(...(c.modules ?? []), ...(c.deviceModules ?? []), ...(c.methods ?? []), ...(c.keywords ?? []), ...(c.keywordCallees ?? []));
  }
  spelled.push(...Object.keys(KERNEL_DECORATORS), ...EXTENSION_LOADERS);

  it.each(spelled)('matches %s (a module, method, keyword or callee of the table)', (word) => {
    expect(CUDA_ONLY_TEXT.test(`x = ${word}`)).toBe(true);
  });

  // strings each consumer's `strings` patterns accept, quoted as they appear in code
  const strings = [
    'CUDAExecutionProvider', 'onnxruntime-gpu', 'onnxruntime-gpu>=1.15', 'TensorrtExecutionProvider', 'tensorrt',
    'nvidia-tensorrt', 'tensorrt-cu12', 'torch-tensorrt', 'torch_tensorrt==2.1', 'torch2trt', 'paddlepaddle-gpu',
    'paddlepaddle-gpu==2.5', 'tensorflow', 'tensorflow-gpu', 'tf-nightly', 'tf-nightly-gpu', 'cupy-cuda12x',
    'kernels/k.cu', 'k.cuh', 'mylib-gpu', 'jax-cuda12', 'somepkg-cu118', 'other.pkg-cuda',
  ];
  it.each(strings)('matches the string "%s" that the table names', (s) => {
    expect(consumerOfString(s)).toBeDefined(); // the sample really is a consumer string
    expect(CUDA_ONLY_TEXT.test(`req = "${s}"`)).toBe(true);
  });

  it('matches a star import (it may bind a consumer under an alias the text does not spell)', () => {
    expect(CUDA_ONLY_TEXT.test('from kernels import *\nif x.is_cuda:\n    k(x)\n')).toBe(true);
  });

  it.each([
    'import torch\nx = torch.zeros(3).cuda()\nif x.is_cuda:\n    y = x * 2\n',
    'device = "cuda:0" if torch.cuda.is_available() else "cpu"\n',
    'model.to("cuda")  # the gpu is used\nprint("cuda")\n',
  ])('rejects plain torch device code: %j', (text) => {
    expect(CUDA_ONLY_TEXT.test(text)).toBe(false);
  });
});
