/**
 * Merging analysis findings with the records conversion passes leave.
 */
import type { ChangeRecord, ManualRecord } from '../core/pipeline';
import { collectFindings, recordSubject } from './collect';
import type { AnalysisFinding } from './types';

const a = (ruleId: string, line: number, subject: string, extra: Partial<AnalysisFinding> = {}): AnalysisFinding => ({
  ruleId,
  startLine: line,
  endLine: line,
  subject,
  message: `${subject} message`,
  hint: `${subject} hint`,
  ...extra,
});

const manual = (file: string, line: number, ruleId: string, message: string, level: 'manual' | 'unsafe' = 'manual'): ManualRecord & { file: string } => ({
  file,
  startLine: line,
  endLine: line,
  passId: ruleId.split('/')[0],
  ruleId,
  level,
  message,
  hint: 'do this',
});

const change = (file: string, line: number, passId: string): ChangeRecord & { file: string } => ({
  file,
  startLine: line,
  endLine: line,
  operation: 'MODIFY',
  message: 'x → y',
  passId,
  ruleId: passId,
  safety: 'safe',
});

describe('collectFindings', () => {
  it('keeps the pass record and drops the analysis finding it covers (no duplicates)', () => {
    const files = [{ rel: 'm.py', analysis: { findings: [a('unsupported-api/torch-cuda', 3, 'torch.cuda.nvtx.range_push'), a('unsupported-api/torch-cuda', 9, 'torch.cuda.comm.gather')] } }];
    const out = collectFindings(files, [], [manual('m.py', 3, 'cuda-api-to-npu/no-npu-twin', 'torch.cuda.nvtx.range_push has no NPU twin')]);
    expect(out.map((f) => [f.startLine, f.ruleId, f.source, f.category, f.level])).toEqual([
      [3, 'cuda-api-to-npu/no-npu-twin', 'cuda-api-to-npu', 'conversion', 'error'],
      [9, 'unsupported-api/torch-cuda', 'analysis', 'unsupported-api', 'error'],
    ]);
    expect(out[0].subject).toBe('torch.cuda.nvtx.range_push');
  });

  it('drops what a pass converted, and only for the APIs that pass handles', () => {
    const files = [{ rel: 'm.py', analysis: { findings: [a('unsupported-api/torch-api', 5, 'torch.nn.DataParallel'), a('unsupported-api/torch-api', 5, 'torch.nn.functional.pdist')] } }];
    const out = collectFindings(files, [change('m.py', 5, 'data-parallel-to-ddp'), change('other.py', 7, 'data-parallel-to-ddp')], []);
    expect(out.map((f) => f.subject)).toEqual(['torch.nn.functional.pdist']);
    // the pass not run (--skip): the analysis reports it
    expect(collectFindings(files, [], []).map((f) => f.subject)).toEqual(['torch.nn.DataParallel', 'torch.nn.functional.pdist']);
  });

  it('drops the analysis finding on the NVTX helpers where profiler-to-npu reported them', () => {
    const files = [{ rel: 'p.py', analysis: { findings: [a('unsupported-api/torch-api', 4, 'torch.autograd.profiler.emit_nvtx'), a('unsupported-api/torch-api', 8, 'torch.autograd.profiler.emit_nvtx')] } }];
    const out = collectFindings(files, [], [manual('p.py', 4, 'profiler-to-npu/no-npu-twin', 'torch.autograd.profiler.emit_nvtx has no NPU form')]);
    expect(out.map((f) => [f.startLine, f.source])).toEqual([
      [4, 'profiler-to-npu'],
      [8, 'analysis'],
    ]);
  });

  it('drops the compile-mode advice when any file sets the compile mode', () => {
    const advice = { rel: 'train.py', analysis: { findings: [a('advice/compile-mode', 10, 'torch_npu.npu.set_compile_mode')] } };
    expect(collectFindings([advice], [], [])).toHaveLength(1);
    expect(collectFindings([advice, { rel: 'lib/npu.py', analysis: { findings: [], setsCompileMode: true } }], [], [])).toEqual([]);
  });

  it('maps manual and unsafe records to levels, sorts and removes exact duplicates', () => {
    const files = [
      { rel: 'b.py', analysis: { findings: [a('advice/precision', 2, 'torch.matmul'), a('advice/precision', 2, 'torch.matmul')] } },
      { rel: 'a.py', analysis: { findings: [a('third-party/import', 1, 'apex', { level: 'info' })] } },
    ];
    const out = collectFindings(files, [], [manual('a.py', 4, 'cuda-device-to-npu/unknown-role', '"cuda:" → "npu:" (role not shown)', 'unsafe')]);
    expect(out.map((f) => `${f.file}:${f.startLine} ${f.ruleId} ${f.level} ${f.category}`)).toEqual([
      'a.py:1 third-party/import info third-party',
      'a.py:4 cuda-device-to-npu/unknown-role warning conversion',
      'b.py:2 advice/precision info advice',
    ]);
    expect(out[1]).toMatchObject({ conversion: 'unsafe', source: 'cuda-device-to-npu', hint: 'do this', subject: '"cuda:" → "npu:" (role not shown)' });
  });
});

describe('recordSubject', () => {
  it.each([
    ['torch.cuda.nvtx.range_push has no NPU twin', 'torch.cuda.nvtx.range_push'],
    ['import torch.cuda.nvtx: no NPU twin', 'torch.cuda.nvtx'],
    ['from torch.cuda import *: the names cannot be checked one by one', 'torch.cuda'],
  ])('%s', (message, subject) => expect(recordSubject('cuda-api-to-npu/no-npu-twin', message)).toBe(subject));
});
