/**
 * Launch scripts and configs: settings reported with their Ascend equivalent;
 * comments and echo/printf text never.
 */
import { analyzeConfig, codeLines } from './scripts';
import type { AnalysisFinding } from './types';

const brief = (fs: AnalysisFinding[]) => fs.map((f) => `${f.startLine} ${f.ruleId} ${f.subject} → ${f.equivalent ?? ''}`);

describe('shell scripts', () => {
  const SH = [
    '#!/bin/bash',
    '# Uses CUDA_VISIBLE_DEVICES and nvidia-smi; pass --device cuda',
    'export CUDA_VISIBLE_DEVICES=0,1',
    'CUDA_LAUNCH_BLOCKING=1 python train.py --device cuda:1 --dist-backend=nccl',
    'NGPU=$(echo $CUDA_VISIBLE_DEVICES | tr "," "\\n" | wc -l)',
    'echo "run nvidia-smi if NCCL_DEBUG=INFO shows errors"; nvidia-smi -L',
    'export NCCL_DEBUG=INFO NCCL_SOCKET_IFNAME=eth0  # see docs',
    'export NCCL_BUFFSIZE=8388608',
    'python train.py --device cpu --backend gloo',
    'printf "%s\\n" "--device cuda"',
    'X="a # not a comment CUDA_VISIBLE_DEVICES"',
    '',
  ].join('\n');

  it('reports each setting with its equivalent', () => {
    expect(brief(analyzeConfig(SH, 'shell'))).toEqual([
      '3 scripts/cuda-env CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES',
      '4 scripts/cuda-env CUDA_LAUNCH_BLOCKING → ASCEND_LAUNCH_BLOCKING',
      '4 scripts/device-cuda --device cuda:1 → npu:1',
      '4 scripts/nccl-backend --dist-backend nccl → hccl',
      '5 scripts/cuda-env CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES',
      '6 scripts/nvidia-smi nvidia-smi → npu-smi info',
      '7 scripts/nccl-env NCCL_DEBUG → ',
      '7 scripts/nccl-env NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME',
      '8 scripts/nccl-env NCCL_BUFFSIZE → HCCL_BUFFSIZE',
      '11 scripts/cuda-env CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES',
    ]);
  });
  it('gives the facts as hints', () => {
    const f = analyzeConfig(SH, 'shell');
    expect(f.find((x) => x.subject === 'NCCL_BUFFSIZE')!.hint).toMatch(/MB/);
    expect(f.find((x) => x.subject === 'CUDA_VISIBLE_DEVICES')!.hint).toMatch(/ascending order/);
  });
  it('gives the same lines with CRLF', () => {
    expect(brief(analyzeConfig(SH.replace(/\n/g, '\r\n'), 'shell'))).toEqual(brief(analyzeConfig(SH, 'shell')));
  });
  it('blanks comments but not # inside quotes or $#', () => {
    expect(codeLines('echo $# x # c\nA="b # c" # d\n', 'shell')).toEqual(['          ', 'A="b # c" ', '']);
  });
  it('reports nothing for an NPU-ready script', () => {
    expect(analyzeConfig('export ASCEND_RT_VISIBLE_DEVICES=0,1\nnpu-smi info\ntorchrun train.py --device npu --dist-backend hccl\n', 'shell')).toEqual([]);
  });
});

describe('configs', () => {
  it('YAML keys and values, not comments or prose', () => {
    const y = ['# set device: cuda for GPUs', 'device: cuda', 'dist_backend: "nccl"', 'env:', '  CUDA_VISIBLE_DEVICES: "0"', 'devices: 8', 'backend_note: nccl is fast', ''].join('\n');
    expect(brief(analyzeConfig(y, 'yaml'))).toEqual([
      '2 scripts/device-cuda device: cuda → npu',
      '3 scripts/nccl-backend dist_backend: nccl → hccl',
      '5 scripts/cuda-env CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES',
    ]);
  });
  it('JSON objects and argument lists', () => {
    const j = '{\n  "device": "cuda:0",\n  "args": ["--device", "cuda", "--dist_backend", "nccl"],\n  "name": "cuda-run"\n}\n';
    expect(brief(analyzeConfig(j, 'json'))).toEqual([
      '2 scripts/device-cuda device: cuda:0 → npu:0',
      '3 scripts/device-cuda --device cuda → npu',
      '3 scripts/nccl-backend --dist_backend nccl → hccl',
    ]);
  });
  it('INI files, not comment lines', () => {
    const ini = '[train]\n; device = cuda\n# backend = nccl\ndevice = cuda\nbackend = nccl\n';
    expect(brief(analyzeConfig(ini, 'ini'))).toEqual(['4 scripts/device-cuda device: cuda → npu', '5 scripts/nccl-backend backend: nccl → hccl']);
  });
});
