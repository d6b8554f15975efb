import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectPassIds } from '../runner/passes';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import { convertFile } from '../runner/convert-file';
import { converterFor } from './index';
import { scanShell } from './shell-lexer';

const ALL = selectPassIds();

function opts(extra: Partial<EngineOptions> & { sources?: string[] } = {}): EngineOptions {
  const { sources = ['train.py', 'tools/launch.py', 'pkg/train.py'], ...rest } = extra;
  return { passIds: ALL, unsafe: false, transferToNpu: false, maxFileSize: 1 << 20, project: { imported: [], stars: {}, sources }, ...rest };
}

function run(src: string, rel = 'run.sh', o = opts()): FileResult {
  return convertFile(rel, Buffer.from(src, 'utf8'), o);
}

function out(r: FileResult, src: string): string {
  return r.output ? Buffer.from(r.output).toString('utf8') : src;
}

/** bash -n on a text: the shell's own syntax check. */
function bashParses(text: string): boolean {
  try {
    execFileSync('/bin/bash', ['-n'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

// Must not change (and every input is valid bash).
const valid: [string, string][] = [
  ['heredoc body', 'cat <<EOF\nexport CUDA_VISIBLE_DEVICES=0\npython train.py --backend nccl\nEOF\n'],
  ['quoted heredoc with <<-', "cat <<-'END'\n\tCUDA_VISIBLE_DEVICES=1 nvidia-smi\n\tEND\necho done\n"],
  ['two heredocs on one line', 'cat <<A <<B\nnvidia-smi\nA\nNCCL_SOCKET_IFNAME=eth0\nB\n'],
  ['heredoc inside $(...)', 'x=$(cat <<EOF\nCUDA_VISIBLE_DEVICES=0\nEOF\n)\n'],
  ['comment', '# export CUDA_VISIBLE_DEVICES=0,1\n  # nvidia-smi\n'],
  ['comment after a command', 'ls -la # CUDA_VISIBLE_DEVICES=0 nvidia-smi\n'],
  ['echo text', 'echo "set CUDA_VISIBLE_DEVICES=0 and run nvidia-smi with --backend nccl"\n'],
  ['printf single-quoted text', "printf 'export NCCL_SOCKET_IFNAME=eth0\\n'\n"],
  ['single-quoted read is literal', "echo '$CUDA_VISIBLE_DEVICES'\n"],
  ['nvidia-smi output parsed in $(...)', 'N=$(nvidia-smi --query-gpu=name --format=csv,noheader | wc -l)\n'],
  ['nvidia-smi in backticks', 'N=`nvidia-smi -L`\n'],
  ['nvidia-smi piped', 'nvidia-smi | grep MiB\n'],
  ['nvidia-smi with query flags', 'nvidia-smi --query-gpu=memory.used --format=csv\n'],
  ['nvidia-smi as an argument', 'command -v nvidia-smi >/dev/null || exit 1\nwatch -n 1 nvidia-smi\n'],
  ['grep nccl in a log', 'grep nccl log.txt\ngrep -- "--backend nccl" log.txt\n'],
  ['similar variable names', 'MY_CUDA_VISIBLE_DEVICES_X=0\necho $MY_CUDA_VISIBLE_DEVICES_X ${CUDA_VISIBLE_DEVICES_LIST}\nexport NCCL=1\n'],
  ['backend of a non-Python command', './bin/server --backend nccl --device cuda\n'],
  ['backend gloo and device cpu', 'python train.py --backend gloo --device cpu\n'],
  ['device given as index', 'python train.py --device 0\n'],
  ['python -c inline code', 'python -c "import torch" --device cuda\n'],
  ['array and case', 'arr=(a "b c" CUDA_VISIBLE_DEVICES)\ncase "$1" in\n  a|b) echo "--backend nccl" ;;\n  (c) grep nccl x ;;\nesac\n'],
  ['case inside $(...)', 'x=$(case $y in a) echo nccl;; esac)\n'],
  ['Ascend names already', 'export ASCEND_RT_VISIBLE_DEVICES=0,1\nexport HCCL_SOCKET_IFNAME=eth0\nnpu-smi info\npython train.py --backend hccl --device npu:0\n'],
  ['escaped dollar', 'echo \\$CUDA_VISIBLE_DEVICES "\\$NCCL_SOCKET_IFNAME"\n'],
];

// input → exact output.
const invalid: [string, string, string][] = [
  ['export', 'export CUDA_VISIBLE_DEVICES=0,1\n', 'export ASCEND_RT_VISIBLE_DEVICES=0,1\n'],
  ['inline env prefix', 'CUDA_VISIBLE_DEVICES=0 python train.py\n', 'ASCEND_RT_VISIBLE_DEVICES=0 python train.py\n'],
  ['reads', 'echo "gpus: $CUDA_VISIBLE_DEVICES ${CUDA_VISIBLE_DEVICES:-0}"\nn=${#CUDA_VISIBLE_DEVICES}\n', 'echo "gpus: $ASCEND_RT_VISIBLE_DEVICES ${ASCEND_RT_VISIBLE_DEVICES:-0}"\nn=${#ASCEND_RT_VISIBLE_DEVICES}\n'],
  ['unset and export without value', 'unset CUDA_VISIBLE_DEVICES\nexport NCCL_SOCKET_IFNAME\n', 'unset ASCEND_RT_VISIBLE_DEVICES\nexport HCCL_SOCKET_IFNAME\n'],
  ['env command', 'env CUDA_LAUNCH_BLOCKING=1 python train.py\n', 'env ASCEND_LAUNCH_BLOCKING=1 python train.py\n'],
  ['NCCL twin', 'export NCCL_SOCKET_IFNAME=eth0 TORCH_NCCL_BLOCKING_WAIT=1\n', 'export HCCL_SOCKET_IFNAME=eth0 TORCH_HCCL_BLOCKING_WAIT=1\n'],
  [
    'backend and device of a repo script, across continuations',
    'python -u train.py \\\n  --dist-backend nccl \\\n  --device=cuda:1 --dist_backend="nccl"\n',
    'python -u train.py \\\n  --dist-backend hccl \\\n  --device=npu:1 --dist_backend="hccl"\n',
  ],
  ['torchrun', 'torchrun --nproc_per_node=8 tools/launch.py --backend nccl\n', 'torchrun --nproc_per_node=8 tools/launch.py --backend hccl\n'],
  ['python -m torch.distributed.run', 'python3 -m torch.distributed.run --nproc_per_node 2 train.py --device cuda\n', 'python3 -m torch.distributed.run --nproc_per_node 2 train.py --device npu\n'],
  ['python -m module of the repo', 'python -m pkg.train --backend nccl\n', 'python -m pkg.train --backend hccl\n'],
  ['accelerate and nohup', 'nohup accelerate launch ./train.py --device cuda:0 > log 2>&1 &\n', 'nohup accelerate launch ./train.py --device npu:0 > log 2>&1 &\n'],
  ['nvidia-smi plain', 'nvidia-smi\nif nvidia-smi >/dev/null 2>&1; then echo ok; fi\n', 'npu-smi info\nif npu-smi info >/dev/null 2>&1; then echo ok; fi\n'],
  ['inside $(...) and a function', 'f() {\n  export CUDA_VISIBLE_DEVICES=$1\n}\nx=$(echo $NCCL_SOCKET_IFNAME)\n', 'f() {\n  export ASCEND_RT_VISIBLE_DEVICES=$1\n}\nx=$(echo $HCCL_SOCKET_IFNAME)\n'],
  ['CRLF', 'export CUDA_VISIBLE_DEVICES=0\r\npython train.py --backend nccl\r\n', 'export ASCEND_RT_VISIBLE_DEVICES=0\r\npython train.py --backend hccl\r\n'],
  ['after a heredoc', 'cat <<EOF\nCUDA_VISIBLE_DEVICES\nEOF\nexport CUDA_VISIBLE_DEVICES=2\n', 'cat <<EOF\nCUDA_VISIBLE_DEVICES\nEOF\nexport ASCEND_RT_VISIBLE_DEVICES=2\n'],
];

describe('shell kind: must not change', () => {
  test.each(valid)('%s', (_name, src) => {
    expect(bashParses(src)).toBe(true);
    const r = run(src);
    expect(r.status).toBe('unchanged');
    expect(r.changes).toEqual([]);
  });
});

describe('shell kind: rewrites', () => {
  test.each(invalid)('%s', (_name, src, expected) => {
    expect(bashParses(src.replace(/\r/g, ''))).toBe(true);
    const r = run(src);
    expect(out(r, src)).toBe(expected);
    expect(bashParses(expected.replace(/\r/g, ''))).toBe(true);
    // a second run changes nothing
    expect(run(expected).status).toBe('unchanged');
  });
});

describe('shell kind: reports', () => {
  const manualOf = (src: string, o = opts()) => run(src, 'run.sh', o).manual.map((m) => [m.startLine, m.ruleId, m.message]);

  test('nvidia-smi whose output is read is reported with the reason', () => {
    expect(manualOf('N=$(nvidia-smi --query-gpu=name | wc -l)\nnvidia-smi -L\nnvidia-smi > gpus.txt\n')).toEqual([
      [1, 'shell/nvidia-smi', 'nvidia-smi: not rewritten (its output is read)'],
      [2, 'shell/nvidia-smi', 'nvidia-smi: not rewritten (it has options or arguments)'],
      [3, 'shell/nvidia-smi', 'nvidia-smi: not rewritten (its output is redirected)'],
    ]);
  });

  test('NCCL variables without a twin, or with other units, are reported and kept', () => {
    const src = 'export NCCL_DEBUG=INFO\nexport NCCL_BUFFSIZE=4194304\n';
    const r = run(src);
    expect(r.status).toBe('unchanged');
    expect(r.manual.map((m) => [m.startLine, m.message])).toEqual([
      [1, 'NCCL_DEBUG has no HCCL twin'],
      [2, 'NCCL_BUFFSIZE: HCCL_BUFFSIZE takes other units'],
    ]);
    expect(r.manual[1].hint).toMatch(/MB/);
  });

  test('a device list that is not ascending is renamed and reported (§3.8)', () => {
    const r = run('export CUDA_VISIBLE_DEVICES=3,1\n');
    expect(out(r, '')).toBe('export ASCEND_RT_VISIBLE_DEVICES=3,1\n');
    expect(r.manual.map((m) => m.ruleId)).toEqual(['shell/visible-devices-order']);
    expect(run('export CUDA_VISIBLE_DEVICES=0,2,5\n').manual).toEqual([]);
  });

  test('arguments of a script that is not in the run are reported, not rewritten', () => {
    const src = 'python other.py --backend nccl\npython $SCRIPT --device cuda\n';
    const r = run(src);
    expect(r.status).toBe('unchanged');
    expect(r.manual.map((m) => [m.startLine, m.message])).toEqual([
      [1, 'argument --backend nccl: not rewritten (other.py is not a Python file of this run)'],
      [2, 'argument --device cuda: not rewritten (the Python script this command runs is not named plainly)'],
    ]);
    // a single file (no project facts): nothing is known about train.py
    const single = run('python train.py --backend nccl\n', 'run.sh', opts({ project: undefined }));
    expect(single.status).toBe('unchanged');
    expect(single.manual).toHaveLength(1);
  });

  test('the script path resolves from the script folder too', () => {
    const r = run('python ../train.py --backend nccl\n', 'scripts/run.sh');
    expect(out(r, '')).toBe('python ../train.py --backend hccl\n');
  });

  test('--skip / --only: a pass not selected leaves its sites alone', () => {
    const src = 'export CUDA_VISIBLE_DEVICES=0 NCCL_SOCKET_IFNAME=eth0\npython train.py --backend nccl --device cuda\nnvidia-smi\n';
    const noNccl = run(src, 'run.sh', opts({ passIds: ALL.filter((p) => p !== 'nccl-to-hccl') }));
    expect(out(noNccl, src)).toBe('export ASCEND_RT_VISIBLE_DEVICES=0 NCCL_SOCKET_IFNAME=eth0\npython train.py --backend nccl --device npu\nnpu-smi info\n');
    const onlyNccl = run(src, 'run.sh', opts({ passIds: ['nccl-to-hccl'] }));
    expect(out(onlyNccl, src)).toBe('export CUDA_VISIBLE_DEVICES=0 HCCL_SOCKET_IFNAME=eth0\npython train.py --backend hccl --device cuda\nnvidia-smi\n');
    expect(new Set(onlyNccl.changes.map((c) => c.passId))).toEqual(new Set(['nccl-to-hccl']));
  });

  test('records name lines and pass ids; the analysis keeps only what was not handled', () => {
    const src = '#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0\ncat <<EOF\nnvidia-smi\nEOF\nexport NCCL_DEBUG=INFO\n';
    const r = run(src);
    expect(r.changes).toEqual([
      { startLine: 2, endLine: 2, operation: 'MODIFY', message: 'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)', passId: 'cuda-device-to-npu', ruleId: 'shell/cuda-env', safety: 'safe' },
    ]);
    // nvidia-smi in the heredoc: not converted, still found by the analysis; NCCL_DEBUG: the record replaces the finding
    expect(r.analysis!.findings.map((f) => [f.startLine, f.ruleId])).toEqual([[4, 'scripts/nvidia-smi']]);
    expect(r.manual.map((m) => [m.startLine, m.passId])).toEqual([[6, 'nccl-to-hccl']]);
  });

  test('a script the scanner cannot read is left unchanged with a note', () => {
    const r = run('echo "unterminated\nexport CUDA_VISIBLE_DEVICES=0\n');
    expect(r.status).toBe('unchanged');
    expect(r.notes[0].message).toMatch(/cannot read line 1 \(unterminated "\)/);
  });

  test('bytes outside the edits are kept: BOM, latin-1, no final newline', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# é\nexport CUDA_VISIBLE_DEVICES=0')]);
    const r = convertFile('a.sh', bom, opts());
    expect(Buffer.from(r.output!)).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# é\nexport ASCEND_RT_VISIBLE_DEVICES=0')]));
    const latin = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nnvidia-smi\n')]);
    const l = convertFile('b.sh', latin, opts());
    expect(Buffer.from(l.output!)).toEqual(Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nnpu-smi info\n')]));
    expect(l.encoding).toBe('latin_1');
  });
});

describe('which files are scripts', () => {
  const head = (s: string) => () => Buffer.from(s);
  test.each([
    ['run.sh', undefined, 'shell'],
    ['tools/dist.bash', undefined, 'shell'],
    ['scripts/train', '#!/bin/bash\n', 'shell'],
    ['train', '#!/usr/bin/env bash\nset -e\n', 'shell'],
    ['launch', '#!/bin/sh -e\n', 'shell'],
    ['launch', '#!/usr/bin/env python\n', undefined],
    ['LICENSE', 'MIT License\n', undefined],
    ['launch', undefined, undefined], // no head to sniff
    ['Dockerfile', '#!/bin/bash\n', 'dockerfile'],
    ['docker/Dockerfile.gpu', undefined, 'dockerfile'],
    ['notes.txt', '#!/bin/bash\n', undefined],
    ['.git/hooks/pre-commit', '#!/bin/sh\n', undefined],
  ])('%s %j', (rel, h, kind) => {
    expect(converterFor(rel, h === undefined ? undefined : head(h))?.id).toBe(kind);
  });
});

describe('scanner', () => {
  test('commands, words and expansions', () => {
    const s = scanShell('A=1 python t.py "x y" $(nvidia-smi | head -1) <<E\nbody $X\nE\nfoo ${B:-$C}\n');
    expect(s.error).toBeUndefined();
    expect(s.commands.map((c) => [c.words.map((w) => w.value ?? `<${w.raw}>`), c.captured, c.piped])).toEqual([
      [['nvidia-smi'], true, true],
      [['head', '-1'], true, true],
      [['A=1', 'python', 't.py', 'x y', '<$(nvidia-smi | head -1)>'], false, false],
      [['foo', '<${B:-$C}>'], false, false],
    ]);
    expect(s.expansions.map((e) => e.name)).toEqual(['B', 'C']);
    expect(s.heredocs).toHaveLength(1);
  });
});

const dockerfile = [
  'FROM nvidia/cuda:12.1.0-devel-ubuntu22.04',
  'ENV CUDA_VISIBLE_DEVICES=0,1 NCCL_SOCKET_IFNAME=eth0',
  'ENV NCCL_DEBUG INFO',
  'ENV CUDA_LAUNCH_BLOCKING 1',
  '# RUN nvidia-smi',
  'RUN pip install -r requirements.txt && \\',
  '    nvidia-smi',
  'RUN --mount=type=cache,target=/root/.cache python train.py --device cuda',
  'RUN <<EOF',
  'nvidia-smi',
  'EOF',
  'CMD ["python", "train.py", "--backend", "nccl"]',
  'CMD python train.py --backend nccl',
  '',
].join('\n');

describe('dockerfile kind', () => {
  test('RUN / CMD shell forms and ENV keys are converted; FROM, exec forms and heredocs are reported', () => {
    const r = run(dockerfile, 'Dockerfile');
    expect(out(r, dockerfile)).toBe(
      [
        'FROM nvidia/cuda:12.1.0-devel-ubuntu22.04',
        'ENV ASCEND_RT_VISIBLE_DEVICES=0,1 HCCL_SOCKET_IFNAME=eth0',
        'ENV NCCL_DEBUG INFO',
        'ENV ASCEND_LAUNCH_BLOCKING 1',
        '# RUN nvidia-smi',
        'RUN pip install -r requirements.txt && \\',
        '    npu-smi info',
        'RUN --mount=type=cache,target=/root/.cache python train.py --device npu',
        'RUN <<EOF',
        'nvidia-smi',
        'EOF',
        'CMD ["python", "train.py", "--backend", "nccl"]',
        'CMD python train.py --backend hccl',
        '',
      ].join('\n'),
    );
    expect(r.manual.map((m) => [m.startLine, m.message])).toEqual([[3, 'NCCL_DEBUG has no HCCL twin']]);
    const left = r.analysis!.findings.map((f) => [f.startLine, f.ruleId]);
    expect(left).toEqual([
      [1, 'scripts/cuda-base-image'],
      [10, 'scripts/nvidia-smi'],
      [12, 'scripts/nccl-backend'],
    ]);
    expect(run(out(r, dockerfile), 'Dockerfile').changes).toEqual([]);
  });

  test('an escape directive: nothing converted', () => {
    expect(run('# escape=`\nENV CUDA_VISIBLE_DEVICES=0\n', 'Dockerfile').status).toBe('unchanged');
  });
});

describe('end to end through the CLI', () => {
  test('change_list.csv, changes.patch (git apply), findings', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-shell-'));
    try {
      const src = path.join(tmp, 'src');
      fs.mkdirSync(path.join(src, 'scripts'), { recursive: true });
      fs.writeFileSync(path.join(src, 'train.py'), 'import torch\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--backend", default="nccl")\n');
      fs.writeFileSync(path.join(src, 'scripts', 'run.sh'), '#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0,1\nexport NCCL_DEBUG=INFO\ntorchrun --nproc_per_node=2 train.py --backend nccl\n');
      fs.writeFileSync(path.join(src, 'scripts', 'launch'), '#!/usr/bin/env bash\nnvidia-smi\n');
      fs.writeFileSync(path.join(src, 'Dockerfile'), 'FROM nvidia/cuda:12.1.0-runtime\nENV CUDA_VISIBLE_DEVICES=0\n');
      fs.writeFileSync(path.join(src, 'NOTES'), 'plain text, not a script: nvidia-smi\n');
      const out = path.join(tmp, 'out');
      const cli = path.resolve(__dirname, '../../bin/ascendify.js');
      try {
        execFileSync(process.execPath, [cli, 'convert', src, '-o', out], { stdio: 'pipe' });
      } catch (e) {
        // a non-zero exit for remaining findings is fine; the reports are checked below
        if (!fs.existsSync(path.join(out, 'ascendify-report'))) throw e;
      }
      const report = path.join(out, 'ascendify-report');
      const changeList = fs.readFileSync(path.join(report, 'change_list.csv'), 'utf8');
      expect(changeList).toMatch(/scripts\/run\.sh.*CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES/);
      expect(changeList).toMatch(/scripts\/run\.sh,4,4,MODIFY,train\.py --backend nccl → hccl/);
      expect(changeList).toMatch(/scripts\/launch.*nvidia-smi → npu-smi info/);
      expect(changeList).toMatch(/Dockerfile.*ASCEND_RT_VISIBLE_DEVICES/);
      expect(fs.readFileSync(path.join(out, 'scripts', 'run.sh'), 'utf8')).toBe(
        '#!/bin/bash\nexport ASCEND_RT_VISIBLE_DEVICES=0,1\nexport NCCL_DEBUG=INFO\ntorchrun --nproc_per_node=2 train.py --backend hccl\n',
      );
      expect(fs.readFileSync(path.join(out, 'NOTES'), 'utf8')).toBe('plain text, not a script: nvidia-smi\n');
      for (const f of ['scripts/run.sh', 'scripts/launch']) expect(bashParses(fs.readFileSync(path.join(out, f), 'utf8'))).toBe(true);
      // the patch applies to the source tree and gives the output
      const patch = path.join(report, 'changes.patch');
      expect(fs.readFileSync(patch, 'utf8')).toMatch(/^--- a\/scripts\/launch$/m);
      execFileSync('git', ['init', '-q'], { cwd: src });
      execFileSync('git', ['apply', patch], { cwd: src });
      for (const f of ['scripts/run.sh', 'scripts/launch', 'Dockerfile']) {
        expect(fs.readFileSync(path.join(src, f), 'utf8')).toBe(fs.readFileSync(path.join(out, f), 'utf8'));
      }
      const findings = fs.readFileSync(path.join(report, 'findings.json'), 'utf8');
      expect(findings).toMatch(/NCCL_DEBUG has no HCCL twin/);
      expect(findings).toMatch(/scripts\/cuda-base-image/);
      expect(findings).not.toMatch(/"ruleId": ?"scripts\/cuda-env"/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
