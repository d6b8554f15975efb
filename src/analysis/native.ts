/**
 * C, C++ and CUDA sources: `.cu` / `.cuh` files (custom CUDA code as a whole), and
 * the ops a source exports to Python, op by op, as GPU2Ascend's cuda_op_list.csv
 * lists them (ascend-facts.md §1.8):
 *
 *   PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) { m.def("fused_adam", ...); py::class_<X>(m, "X"); }
 *   TORCH_LIBRARY(myops, m) { m.def("gelu(Tensor x) -> Tensor"); }           → myops::gelu
 *   TORCH_LIBRARY_FRAGMENT(myops, m) { ... }
 *   TORCH_LIBRARY_IMPL(myops, CUDA, m) { m.impl("gelu", &gelu_cuda); }        → myops::gelu (CUDA kernel)
 *
 * Comments are blanked before matching (a commented-out m.def is not an op);
 * braces are matched on a copy with string contents blanked too.
 */
import { LineIndex } from '../python/source';
import type { AnalysisFinding, Severity } from './types';

export const CUDA_SOURCE_EXT = /\.(cu|cuh)$/i;
export const CPP_SOURCE_EXT = /\.(cpp|cc|cxx|c\+\+|h|hpp|hh|hxx|inl)$/i;

const OP_HINT_CUDA =
  'a GPU op: reimplement it for NPU (an Ascend C custom operator, or torch / torch_npu ops) and register that implementation instead';
const OP_HINT_CPP =
  'a C++ op: it runs on CPU tensors; if it reads tensor memory directly (data_ptr, accessor) it needs an NPU implementation for NPU tensors';

/** Blank comments (keeping line breaks); with `strings`, blank string and char literal contents too. */
export function blankComments(text: string, strings = false): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      let j = i;
      while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
      blank(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end === -1 ? text.length : end + 2;
      blank(i, j);
      i = j;
    } else if (c === 'R' && next === '"' && !/[\w]/.test(text[i - 1] ?? '')) {
      // raw string R"delim( ... )delim"
      const open = text.indexOf('(', i + 2);
      const delim = open === -1 ? '' : text.slice(i + 2, open);
      const close = open === -1 ? -1 : text.indexOf(`)${delim}"`, open);
      const j = close === -1 ? text.length : close + delim.length + 2;
      if (strings) blank(open + 1, close === -1 ? j : close);
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (strings) blank(i + 1, Math.min(j, text.length));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** The offset just after the `}` that closes the `{` at `open` (on the skeleton), or the end. */
function blockEnd(skeleton: string, open: number): number {
  let depth = 0;
  for (let i = open; i < skeleton.length; i++) {
    if (skeleton[i] === '{') depth++;
    else if (skeleton[i] === '}' && --depth === 0) return i + 1;
  }
  return skeleton.length;
}

/** The offset just after the `)` that closes the `(` at `open` (on the skeleton). */
function parenEnd(skeleton: string, open: number): number {
  let depth = 0;
  for (let i = open; i < skeleton.length; i++) {
    if (skeleton[i] === '(') depth++;
    else if (skeleton[i] === ')' && --depth === 0) return i + 1;
  }
  return skeleton.length;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Findings of one C/C++/CUDA source file. */
export function analyzeNative(rel: string, text: string): AnalysisFinding[] {
  const code = blankComments(text);
  const skeleton = blankComments(text, true);
  const lines = new LineIndex(text);
  const out: AnalysisFinding[] = [];
  const isCuda = CUDA_SOURCE_EXT.test(rel);
  // includes (cuda_runtime.h, "kernel.cuh"), at::cuda, kCUDA, __global__: the file is GPU code
  const mentionsCuda = isCuda || /cuda|__global__/i.test(skeleton) || /#\s*include\s*["<][^">\n]*cuh?\b/i.test(code);

  if (isCuda) {
    const kernels = (skeleton.match(/\b__global__\b/g) ?? []).length;
    const last = Math.max(1, lines.lineOf(Math.max(0, text.replace(/\s+$/, '').length - 1)));
    out.push({
      ruleId: 'custom-cuda/cuda-source',
      startLine: 1,
      endLine: last,
      subject: 'CUDA source',
      message: `CUDA source file${kernels ? ` with ${kernels} __global__ kernel${kernels > 1 ? 's' : ''}` : ''}`,
      hint: 'CUDA C++ does not compile for Ascend: port the kernels to Ascend C custom operators, or express them with torch / torch_npu ops',
    });
  }

  const level: Severity = mentionsCuda ? 'error' : 'warning';
  const hint = mentionsCuda ? OP_HINT_CUDA : OP_HINT_CPP;
  const op = (offset: number, api: string, message: string, lvl: Severity = level, h = hint) => {
    const line = lines.lineOf(offset);
    out.push({ ruleId: 'custom-cuda/op', startLine: line, endLine: line, subject: api, message, hint: h, ...(lvl !== 'error' ? { level: lvl } : {}) });
  };

  // PYBIND11_MODULE(name, m) { ... }
  for (const m of skeleton.matchAll(/\bPYBIND11_MODULE\s*\(\s*[^,()]+?\s*,\s*(\w+)\s*\)\s*\{/g)) {
    const open = m.index! + m[0].length - 1;
    const body = code.slice(open, blockEnd(skeleton, open));
    const v = escapeRe(m[1]);
    for (const d of body.matchAll(new RegExp(`\\b${v}\\s*\\.\\s*def\\s*\\(\\s*"([^"]+)"`, 'g'))) {
      op(open + d.index!, d[1], `PYBIND11_MODULE exports ${d[1]}`);
    }
    for (const c of body.matchAll(new RegExp(`\\bpy::class_\\s*<[^;{]*?>\\s*\\(\\s*${v}\\s*,\\s*"([^"]+)"`, 'g'))) {
      op(open + c.index!, c[1], `PYBIND11_MODULE exports class ${c[1]}`);
    }
  }

  // TORCH_LIBRARY(ns, m) / TORCH_LIBRARY_FRAGMENT(ns, m) / TORCH_LIBRARY_IMPL(ns, KEY, m)
  for (const m of skeleton.matchAll(/\b(TORCH_LIBRARY(?:_FRAGMENT)?|TORCH_LIBRARY_IMPL)\s*\(\s*(\w+)\s*,\s*(?:(\w+)\s*,\s*)?(\w+)\s*\)\s*\{/g)) {
    const [, macro, ns, key, v] = m;
    if (macro === 'TORCH_LIBRARY_IMPL' && !key) continue;
    const open = m.index! + m[0].length - 1;
    const end = blockEnd(skeleton, open);
    const body = code.slice(open, end);
    const qualify = (name: string) => {
      const base = name.split('(')[0].trim();
      return base.includes('::') ? base : `${ns}::${base}`;
    };
    const callRe = new RegExp(
      `\\b${escapeRe(v)}\\s*\\.\\s*(def|impl)\\s*\\(\\s*(?:TORCH_SELECTIVE_(?:SCHEMA|NAME)\\s*\\(\\s*)?"([^"]+)"`,
      'g',
    );
    for (const d of body.matchAll(callRe)) {
      const at = open + d.index!;
      const api = qualify(d[2]);
      if (d[1] === 'def' && macro !== 'TORCH_LIBRARY_IMPL') {
        op(at, api, `${macro}(${ns}) defines ${api}`);
        continue;
      }
      if (d[1] !== 'impl') continue;
      const args = code.slice(at, parenEnd(skeleton, at + d[0].indexOf('(')));
      const cudaImpl = macro === 'TORCH_LIBRARY_IMPL' ? /CUDA/.test(key ?? '') : /CUDA/.test(args);
      if (cudaImpl) op(at, api, `${macro}(${ns}${key ? `, ${key}` : ''}) registers a CUDA kernel for ${api}`, 'error', OP_HINT_CUDA);
    }
  }
  return out;
}
