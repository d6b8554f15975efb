/**
 * Launch scripts and configs: settings reported with their Ascend equivalent;
 * comments and echo/printf text never.
 */
import { analyzeOtherText, otherKinds } from './analyze-file';
import { ASCEND_CONTAINER_DEVICES, analyzeConfig, codeLines, CONFIG_WORDS, configKind } from './scripts';
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

describe('containers: Dockerfiles, compose and CI files', () => {
  const sorted = (fs: AnalysisFinding[]) => brief([...fs].sort((a, b) => a.startLine - b.startLine || (a.ruleId < b.ruleId ? -1 : 1)));
  const DOCKERFILE = [
    '# syntax=docker/dockerfile:1',
    '# FROM nvidia/cuda:11.8.0-base was the old base; run with --gpus all',
    'ARG BASE=pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime',
    'ARG PY=3.10',
    'FROM ${BASE} AS cuda-base',
    'ENV NVIDIA_VISIBLE_DEVICES=all CUDA_VISIBLE_DEVICES=0',
    'RUN nvidia-smi && echo "start it with --gpus all"',
    'FROM cuda-base AS build',
    'FROM --platform=linux/amd64 nvidia/cuda:12.1.0-devel-ubuntu22.04',
    'FROM nvcr.io/nvidia/pytorch:23.10-py3',
    'FROM python:${PY}-slim AS final',
    'FROM ubuntu:22.04',
    '',
  ].join('\n');

  it('Dockerfile: CUDA base images (through an ARG too), NVIDIA runtime settings, RUN/ENV lines as shell', () => {
    expect(sorted(analyzeConfig(DOCKERFILE, 'dockerfile'))).toEqual([
      '3 scripts/cuda-base-image pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime → an Ascend CANN base image',
      `6 scripts/cuda-env CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES`,
      `6 scripts/docker-gpu NVIDIA_VISIBLE_DEVICES → ${ASCEND_CONTAINER_DEVICES}`,
      '7 scripts/nvidia-smi nvidia-smi → npu-smi info',
      '9 scripts/cuda-base-image nvidia/cuda:12.1.0-devel-ubuntu22.04 → an Ascend CANN base image',
      '10 scripts/cuda-base-image nvcr.io/nvidia/pytorch:23.10-py3 → an Ascend CANN base image',
    ]);
  });
  it('the Ascend equivalents are the facts (§3.10), with no invented image name', () => {
    expect(ASCEND_CONTAINER_DEVICES).toMatch(/--device \/dev\/davinci0 .*--device \/dev\/davinci_manager --device \/dev\/devmm_svm --device \/dev\/hisi_hdc/);
    expect(ASCEND_CONTAINER_DEVICES).toMatch(/\/usr\/local\/Ascend\/driver and \/usr\/local\/bin\/npu-smi/);
    const f = analyzeConfig('FROM nvidia/cuda:12.1.0-base\n', 'dockerfile')[0];
    expect(f.equivalent).toBe('an Ascend CANN base image');
    expect(f.hint).toMatch(/CPU build of torch with the matching torch_npu/);
  });
  it('compose and CI YAML: runtime / driver nvidia, CUDA images, --gpus in options and run lines', () => {
    const y = [
      'services:',
      '  train:',
      '    image: nvidia/cuda:12.1.0-base',
      '    runtime: nvidia',
      '    deploy:',
      '      resources:',
      '        reservations:',
      '          devices:',
      '            - driver: nvidia',
      '              count: all',
      '              capabilities: [gpu]',
      '  db:',
      '    image: postgres:15',
      'jobs:',
      '  test:',
      '    container:',
      '      image: "pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime"',
      '      options: --gpus all',
      '    steps:',
      `      - run: docker run --gpus '"device=0,1"' --rm img python t.py`,
      '      # - run: docker run --gpus all img',
      'image: cuda_tensor',
      'data_image: data/cuda/',
      '',
    ].join('\n');
    expect(sorted(analyzeConfig(y, 'yaml')).map((l) => l.replace(ASCEND_CONTAINER_DEVICES, 'DEVICES'))).toEqual([
      '3 scripts/cuda-base-image nvidia/cuda:12.1.0-base → an Ascend CANN base image',
      '4 scripts/docker-gpu runtime: nvidia → DEVICES',
      '9 scripts/docker-gpu driver: nvidia → DEVICES',
      '17 scripts/cuda-base-image pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime → an Ascend CANN base image',
      '18 scripts/docker-gpu --gpus all → DEVICES',
      '20 scripts/docker-gpu --gpus "device=0,1" → DEVICES',
    ]);
  });
  it('a compose file with only capabilities: [gpu] is reported there', () => {
    const y = 'services:\n  t:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n';
    expect(brief(analyzeConfig(y, 'yaml')).map((l) => l.replace(ASCEND_CONTAINER_DEVICES, 'DEVICES'))).toEqual(['7 scripts/docker-gpu capabilities: [gpu] → DEVICES']);
  });
  it('shell scripts and JSON argument lists: --gpus, --runtime nvidia, nvidia-docker', () => {
    const sh = 'nvidia-docker run -it img\ndocker run --runtime=nvidia img\necho "docker run --gpus all"\ndocker run --gpus=2 img\n';
    expect(brief(analyzeConfig(sh, 'shell')).map((l) => l.replace(ASCEND_CONTAINER_DEVICES, 'DEVICES'))).toEqual([
      '1 scripts/docker-gpu nvidia-docker → DEVICES',
      '2 scripts/docker-gpu --runtime nvidia → DEVICES',
      '4 scripts/docker-gpu --gpus 2 → DEVICES',
    ]);
    expect(brief(analyzeConfig('{"runArgs": ["--gpus", "all", "--shm-size=8g"]}\n', 'json')).map((l) => l.replace(ASCEND_CONTAINER_DEVICES, 'DEVICES'))).toEqual([
      '1 scripts/docker-gpu --gpus all → DEVICES',
    ]);
  });
  it('reports nothing for an Ascend container setup', () => {
    const sh = 'docker run --device /dev/davinci0 --device /dev/davinci_manager --device /dev/devmm_svm --device /dev/hisi_hdc -v /usr/local/Ascend/driver:/usr/local/Ascend/driver img\n';
    expect(analyzeConfig(sh, 'shell')).toEqual([]);
    expect(analyzeConfig('FROM ubuntu:22.04 AS base\nFROM base\nRUN pip install torch-npu\n', 'dockerfile')).toEqual([]);
    expect(analyzeConfig('services:\n  t:\n    image: python:3.10\n    devices:\n      - /dev/davinci0\n', 'yaml')).toEqual([]);
  });
});

describe('which files are Dockerfiles', () => {
  it.each([
    ['Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.gpu', 'dockerfile'],
    ['train.dockerfile', 'dockerfile'],
    ['Containerfile', 'dockerfile'],
    ['.github/workflows/ci.yml', 'yaml'],
    ['docker-compose.yaml', 'yaml'],
    ['dockerfile_notes.md', undefined],
    ['Dockerfile_helpers.py', undefined],
    ['Dockerfile.md', undefined],
    ['Dockerfile.sh', 'shell'],
  ])('%s', (rel, kind) => {
    expect(configKind(rel)).toBe(kind);
  });
  it('the runner analyses them', () => {
    expect(otherKinds('docker/Dockerfile')).toEqual(['config']);
    expect(analyzeOtherText('Dockerfile', 'FROM nvidia/cuda:12.1.0-base\n').map((f) => f.ruleId)).toEqual(['scripts/cuda-base-image']);
  });
});

describe('CONFIG_WORDS (the prefilter of analyzeConfig)', () => {
  // A rule that could fire on a line without any of the words would be hidden
  // by the prefilter in a file that has none: every reported line must have one.
  const samples = [
    'export CUDA_VISIBLE_DEVICES=0,1\nexport NCCL_SOCKET_IFNAME=eth0\ntorchrun train.py --device cuda:0 --dist-backend nccl\nnvidia-smi -L\n',
    'docker run --gpus all --runtime nvidia -e NVIDIA_VISIBLE_DEVICES=all img\nnvidia-docker run img\n',
    'services:\n  t:\n    image: nvcr.io/nvidia/pytorch:23.10-py3\n    runtime: nvidia\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n',
    'trainer:\n  device: cuda\n  backend: nccl\n  env:\n    PYTORCH_CUDA_ALLOC_CONF: expandable_segments:True\n',
  ];
  it.each(samples)('every line reported has a word: %j', (text) => {
    const kind = text.startsWith('export') || text.startsWith('docker') ? 'shell' : 'yaml';
    const found = analyzeConfig(text, kind);
    expect(found.length).toBeGreaterThan(0);
    const lines = text.split('\n');
    for (const f of found) expect([f.startLine, CONFIG_WORDS.test(lines[f.startLine - 1])]).toEqual([f.startLine, true]);
  });

  it('a config with none of the words has no finding and is not read', () => {
    expect(analyzeConfig('model:\n  depth: 50\n  device: cpu\ntrain:\n  backend: gloo\n', 'yaml')).toEqual([]);
  });
});
