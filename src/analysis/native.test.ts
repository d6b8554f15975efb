/**
 * C++ / CUDA sources: .cu files as a whole, ops listed one by one, comments ignored.
 */
import { analyzeNative, blankComments } from './native';

const brief = (rel: string, text: string) => analyzeNative(rel, text).map((f) => `${f.ruleId} ${f.startLine} ${f.subject} ${f.level ?? 'error'}`);

describe('custom-cuda/cuda-source', () => {
  it('reports a .cu file once, with its kernel count', () => {
    const f = analyzeNative('k/add.cu', '#include <cuda_runtime.h>\n__global__ void add(float* x) {}\n__global__ void mul(float* x) {}\n\n');
    expect(f).toEqual([
      expect.objectContaining({ ruleId: 'custom-cuda/cuda-source', startLine: 1, endLine: 3, message: 'CUDA source file with 2 __global__ kernels' }),
    ]);
  });
  it('reports a .cuh header too, and no kernel count when there is none', () => {
    expect(analyzeNative('a.cuh', '#pragma once\r\nint f();\r\n')[0].message).toBe('CUDA source file');
  });
  it('does not report a C++ file without exported ops', () => {
    expect(analyzeNative('a.cpp', '#include <vector>\nint f() { return 1; }\n')).toEqual([]);
  });
});

describe('custom-cuda/op', () => {
  const PYBIND = [
    '#include <torch/extension.h>',
    'torch::Tensor fwd(torch::Tensor x);',
    'PYBIND11_MODULE(TORCH_EXTENSION_NAME, mod) {',
    '  mod.def("forward", &fwd, "forward {CUDA}");',
    '  // mod.def("backward", &bwd);',
    '  /* mod.def("old", &old); */',
    '  py::class_<State>(mod, "State").def("reset", &State::reset);',
    '}',
    'void other() { mod.def("not_in_module", &f); }',
    '',
  ].join('\n');

  it('lists PYBIND11_MODULE defs and classes, not comments or code outside the module', () => {
    expect(brief('ops.cpp', PYBIND)).toEqual(['custom-cuda/op 4 forward warning', 'custom-cuda/op 7 State warning']);
  });
  it('is an error when the file is CUDA code', () => {
    expect(brief('ops.cu', PYBIND).slice(1)).toEqual(['custom-cuda/op 4 forward error', 'custom-cuda/op 7 State error']);
    expect(brief('ops.cpp', '#include <cuda_runtime.h>\n' + PYBIND)[0]).toBe('custom-cuda/op 5 forward error');
  });
  it('lists TORCH_LIBRARY defs and CUDA impls, qualified by namespace', () => {
    const code = [
      'TORCH_LIBRARY(myops, m) {',
      '  m.def("gelu(Tensor x) -> Tensor");',
      '  m.def(TORCH_SELECTIVE_SCHEMA("other::silu(Tensor x) -> Tensor"));',
      '  m.impl("gelu", torch::kCUDA, &gelu_cuda);',
      '  m.impl("gelu", torch::kCPU, &gelu_cpu);',
      '}',
      'TORCH_LIBRARY_IMPL(myops, CUDA, m) {',
      '  m.impl("gelu", &gelu_cuda);',
      '}',
      'TORCH_LIBRARY_IMPL(myops, CPU, m) {',
      '  m.impl("gelu", &gelu_cpu);',
      '}',
      'TORCH_LIBRARY_FRAGMENT(myops, lib) {',
      '  lib.def("fused(Tensor a) -> Tensor");',
      '}',
    ].join('\r\n');
    expect(brief('reg.cpp', code)).toEqual([
      'custom-cuda/op 2 myops::gelu error',
      'custom-cuda/op 3 other::silu error',
      'custom-cuda/op 4 myops::gelu error',
      'custom-cuda/op 8 myops::gelu error',
      'custom-cuda/op 14 myops::fused error',
    ]);
  });
});

describe('blankComments', () => {
  it('keeps offsets and line breaks, and strings', () => {
    const src = 'a // x "y"\nb /* c\nd */ "e // f" \'g\'\n';
    const out = blankComments(src);
    expect(out.length).toBe(src.length);
    expect(out).toBe('a         \nb     \n     "e // f" \'g\'\n');
    expect(blankComments(src, true)).toBe('a         \nb     \n     "      " \' \'\n');
  });
});
