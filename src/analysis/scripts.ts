/**
 * Launch scripts (.sh) and configuration files (YAML, JSON, INI / .cfg): the CUDA
 * and NCCL settings they carry, with the Ascend equivalent (ascend-facts.md §3.8,
 * src/facts/env-vars.ts):
 *
 *   export CUDA_VISIBLE_DEVICES=0,1        → ASCEND_RT_VISIBLE_DEVICES (ascending list)
 *   nvidia-smi                             → npu-smi info
 *   python train.py --device cuda:0        → --device npu:0
 *   --dist-backend nccl / backend: nccl    → hccl
 *   export NCCL_SOCKET_IFNAME=eth0         → HCCL_SOCKET_IFNAME (or the hint when NCCL_* has no twin)
 *
 * Comments are blanked first (`#` comments in shell, YAML and INI, `;` lines in INI,
 * `//` lines in JSON); in shell scripts the text of `echo` / `printf` commands is
 * message text, not a setting, and is skipped too.
 */
import { CUDA_ENV_TWINS, ENV_NOTES, NCCL_ENV_TWINS, NCCL_ENV_VALUE_CHANGES, ncclNoTwinHint } from '../facts/env-vars';
import type { AnalysisFinding } from './types';

export type ConfigKind = 'shell' | 'yaml' | 'json' | 'ini';

export function configKind(rel: string): ConfigKind | undefined {
  const base = rel.slice(rel.lastIndexOf('/') + 1).toLowerCase();
  if (/\.(sh|bash)$/.test(base)) return 'shell';
  if (/\.ya?ml$/.test(base)) return 'yaml';
  if (/\.json$/.test(base)) return 'json';
  if (/\.(ini|cfg)$/.test(base)) return 'ini';
  return undefined;
}

/** The code of each line of a file, with comments (and, in shell, echo/printf text) blanked. */
export function codeLines(text: string, kind: ConfigKind): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  switch (kind) {
    case 'ini':
      return lines.map((l) => (/^\s*[#;]/.test(l) ? '' : l));
    case 'json':
      return lines.map((l) => (/^\s*\/\//.test(l) ? '' : l));
    case 'yaml':
      return lines.map((l) => cutHashComment(l).code);
    case 'shell': {
      let open: string | null = null; // a quote left open on the previous line
      return lines.map((l) => {
        const r = cutHashComment(l, open);
        open = r.open;
        return blankMessageCommands(r.code);
      });
    }
  }
}

/** Cut a `#` comment (at line start or after whitespace / an operator, outside quotes). */
function cutHashComment(line: string, open: string | null = null): { code: string; open: string | null } {
  let quote = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /[\s;&|(]/.test(line[i - 1]))) return { code: line.slice(0, i), open: null };
  }
  return { code: line, open: quote };
}

/**
 * Blank the text of `echo ...` / `printf ...` simple commands (up to `;`, `&&`, `||`, `|`):
 * it is message text. Variable expansions in it (`$CUDA_VISIBLE_DEVICES`) are reads
 * of the variable and stay.
 */
function blankMessageCommands(line: string): string {
  if (!/\b(echo|printf)\b/.test(line)) return line;
  let out = '';
  let quote: string | null = null;
  let start = 0;
  const flush = (end: number) => {
    const seg = line.slice(start, end);
    const words = seg.replace(/^\s*(\w+=\S*\s+)*/, '');
    out += /^(echo|printf)\b/.test(words) ? keepExpansions(seg) : seg;
    start = end;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '`') {
      flush(i);
      out += c;
      start = i + 1;
    }
  }
  flush(line.length);
  return out;
}

/** Blank everything but `$NAME` / `${NAME...}` expansions (outside single quotes). */
function keepExpansions(seg: string): string {
  const keep = new Array<boolean>(seg.length).fill(false);
  let single = false;
  for (let i = 0; i < seg.length; i++) {
    if (seg[i] === "'") single = !single;
    if (single || seg[i] !== '$') continue;
    const m = /^\$(\{[A-Za-z_]\w*|[A-Za-z_]\w*)/.exec(seg.slice(i));
    if (m) for (let k = i; k < i + m[0].length; k++) keep[k] = true;
  }
  return seg.replace(/[^]/g, (c, i: number) => (keep[i] || c === '\n' ? c : ' '));
}

const CUDA_ENV_RE = new RegExp(`\\b(${Object.keys(CUDA_ENV_TWINS).join('|')})\\b`, 'g');
const NCCL_ENV_RE = /\b((?:TORCH_)?NCCL_[A-Z0-9_]*[A-Z0-9])\b/g;
const NVIDIA_SMI_RE = /(?<![\w-])nvidia-smi(?![\w-])/;
/** `--device cuda`, `--device=cuda:0`, `"--device", "cuda"` (JSON argument lists). */
const DEVICE_FLAG_RE = /--device(?:=|\s+|["']\s*,\s*)["']?(cuda(?::\d+)?)(?![\w:])/gi;
/** `device: cuda`, `device = "cuda:0"`, `"device": "cuda"`, `DEVICE=cuda`. */
const DEVICE_KEY_RE = /(?:^|[\s{,"'])(device(?:_type)?)["']?\s*[:=]\s*["']?(cuda(?::\d+)?)(?![\w:])/gi;
const BACKEND_FLAG_RE = /--((?:dist[-_])?backend)(?:=|\s+|["']\s*,\s*)["']?(nccl)(?!\w)/gi;
const BACKEND_KEY_RE = /(?:^|[\s{,"'])((?:dist[-_]?)?backend)["']?\s*[:=]\s*["']?(nccl)(?!\w)/gi;

/** Findings of one launch script or configuration file. */
export function analyzeConfig(text: string, kind: ConfigKind): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  const seen = new Set<string>();
  const add = (line: number, f: Omit<AnalysisFinding, 'startLine' | 'endLine'>) => {
    const key = `${line}|${f.ruleId}|${f.subject}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ startLine: line, endLine: line, ...f });
  };
  codeLines(text, kind).forEach((code, i) => {
    const line = i + 1;
    if (code.trim() === '') return;
    for (const m of code.matchAll(CUDA_ENV_RE)) {
      const twin = CUDA_ENV_TWINS[m[1]];
      const note = ENV_NOTES[twin];
      add(line, {
        ruleId: 'scripts/cuda-env',
        subject: m[1],
        message: `${m[1]} → ${twin}`,
        hint: `use ${twin}${note ? `: ${note}` : ''}`,
        equivalent: twin,
      });
    }
    for (const m of code.matchAll(NCCL_ENV_RE)) {
      const name = m[1];
      const twin = NCCL_ENV_TWINS[name];
      const unitChange = NCCL_ENV_VALUE_CHANGES[name];
      const note = twin ? ENV_NOTES[name] : undefined;
      add(line, {
        ruleId: 'scripts/nccl-env',
        subject: name,
        message: twin ? `${name} → ${twin}` : `${name}: no HCCL twin`,
        hint: unitChange ?? (twin ? `use ${twin}${note ? `: ${note}` : ''}` : ncclNoTwinHint(name)),
        ...(twin ? { equivalent: twin } : {}),
      });
    }
    if (NVIDIA_SMI_RE.test(code)) {
      add(line, {
        ruleId: 'scripts/nvidia-smi',
        subject: 'nvidia-smi',
        message: 'nvidia-smi → npu-smi info',
        hint: 'Ascend machines have npu-smi (`npu-smi info` lists NPUs, their memory and processes); its options differ from nvidia-smi\'s, so check any query flags',
        equivalent: 'npu-smi info',
      });
    }
    for (const m of [...code.matchAll(DEVICE_FLAG_RE), ...code.matchAll(DEVICE_KEY_RE)]) {
      const value = m[m.length - 1];
      const npu = value.toLowerCase().replace('cuda', 'npu');
      add(line, {
        ruleId: 'scripts/device-cuda',
        subject: m[0].trim().startsWith('--') ? `--device ${value}` : `device: ${value}`,
        message: `device ${value} → ${npu}`,
        hint: `pass "${npu}" (the code must import torch_npu for the NPU device to exist)`,
        equivalent: npu,
      });
    }
    for (const m of [...code.matchAll(BACKEND_FLAG_RE), ...code.matchAll(BACKEND_KEY_RE)]) {
      const flag = m[0].trim().startsWith('--');
      add(line, {
        ruleId: 'scripts/nccl-backend',
        subject: flag ? `--${m[1]} ${m[2]}` : `${m[1]}: ${m[2]}`,
        message: `${flag ? `--${m[1]}` : m[1]} ${m[2]} → hccl`,
        hint: 'the distributed backend on Ascend is "hccl"',
        equivalent: 'hccl',
      });
    }
  });
  return out;
}
