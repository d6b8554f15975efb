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
 *   FROM nvidia/cuda:12.1.0-devel          → an Ascend CANN base image (§3.10)
 *   docker run --gpus all / runtime: nvidia → --device /dev/davinciN ... (§3.10)
 *
 * Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`) are read
 * like shell scripts (their RUN / ENV lines) plus their FROM lines; CI files and
 * docker-compose files are YAML.
 * Comments are blanked first (`#` comments in shell, YAML and INI, `;` lines in INI,
 * `//` lines in JSON); in shell scripts the text of `echo` / `printf` commands is
 * message text, not a setting, and is skipped too.
 */
import { CUDA_ENV_TWINS, ENV_NOTES, NCCL_ENV_TWINS, NCCL_ENV_VALUE_CHANGES, ncclNoTwinHint } from '../facts/env-vars';
import type { AnalysisFinding } from './types';

export type ConfigKind = 'shell' | 'yaml' | 'json' | 'ini' | 'dockerfile';

export function configKind(rel: string): ConfigKind | undefined {
  const base = rel.slice(rel.lastIndexOf('/') + 1).toLowerCase();
  // Dockerfile, Dockerfile.gpu, train.dockerfile, Containerfile; not Dockerfile.md / Dockerfile.py (docs, code)
  if (/^(dockerfile|containerfile)(\.[^/]+)?$/.test(base) || /\.(dockerfile|containerfile)$/.test(base)) {
    return /\.(md|rst|txt|py|ipynb|html?|json|ya?ml|sh)$/.test(base) ? configKindOfExtension(base) : 'dockerfile';
  }
  return configKindOfExtension(base);
}

function configKindOfExtension(base: string): ConfigKind | undefined {
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
    case 'dockerfile':
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

/**
 * Container facts (ascend-facts.md §3.10): CUDA base images have Ascend counterparts
 * built on CANN (no image names in the facts, so none is named here); a container
 * reaches NPUs through these devices and driver mounts, not `--gpus`.
 */
export const ASCEND_CONTAINER_DEVICES =
  '--device /dev/davinci0 (one per NPU: /dev/davinciN) --device /dev/davinci_manager --device /dev/devmm_svm --device /dev/hisi_hdc, and mounts of /usr/local/Ascend/driver and /usr/local/bin/npu-smi';
export const ASCEND_BASE_IMAGE = 'an Ascend CANN base image';
const BASE_IMAGE_HINT =
  'a CUDA base image has no NPU runtime: build on an Ascend CANN base image (CANN + torch_npu; Ascend publishes container images built on CANN) and install the CPU build of torch with the matching torch_npu';
const GPU_ACCESS_HINT =
  'containers reach Ascend NPUs through device files, not the NVIDIA runtime: pass --device /dev/davinciN for each NPU plus --device /dev/davinci_manager --device /dev/devmm_svm --device /dev/hisi_hdc, and mount /usr/local/Ascend/driver and /usr/local/bin/npu-smi (in docker-compose: `devices:` and `volumes:` entries)';

/**
 * An image reference built for CUDA: `nvidia/cuda:*`, `nvcr.io/nvidia/*` (NGC images
 * ship CUDA), or any image whose name or tag mentions cuda / cudnn
 * (`pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime`).
 */
export function isCudaImage(ref: string): boolean {
  return /(^|\/)nvidia\/cuda([:@]|$)|^nvcr\.io\/nvidia\/|cuda|cudnn/i.test(ref);
}

const GPUS_FLAG_RE = /(?<![\w-])--gpus(?:=|\s+|["']\s*,\s*)("[^"]*"|'[^']*'|[^\s"',\]]+)/g;
const RUNTIME_FLAG_RE = /(?<![\w-])--runtime(?:=|\s+|["']\s*,\s*)["']?(nvidia)(?![\w-])/g;
const NVIDIA_DOCKER_RE = /(?<![\w-])nvidia-docker(?![\w-])/;
const NVIDIA_ENV_RE = /\b(NVIDIA_VISIBLE_DEVICES)\b/;
const RUNTIME_KEY_RE = /(?:^|[\s{,"'])runtime["']?\s*:\s*["']?(nvidia)(?![\w-])/;
const DRIVER_KEY_RE = /(?:^|[\s{,"'-])driver["']?\s*:\s*["']?(nvidia)(?![\w-])/;
const GPU_CAPABILITY_RE = /(?:^|[\s{,"'-])capabilities["']?\s*:\s*\[[^\]]*\bgpu\b/;
/** What an image reference looks like: a registry / repository path with a tag or a slash, no trailing slash. */
const IMAGE_REF_RE = /^(?=[^/]*[/:])[\w.-]+(?::\d+)?(?:\/[\w.-]+)*(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$/;
const IMAGE_KEY_RE = /(?:^|[\s{,"'-])(?:image|container)["']?\s*:\s*["']?([^\s"',}\]]+)/;

/** FROM lines of a Dockerfile (ARG defaults that a FROM uses included). */
function baseImageFindings(lines: string[], add: (line: number, f: Omit<AnalysisFinding, 'startLine' | 'endLine'>) => void): void {
  const args = new Map<string, { value: string; line: number }>();
  const stages = new Set<string>();
  const image = (line: number, ref: string) =>
    add(line, {
      ruleId: 'scripts/cuda-base-image',
      subject: ref,
      message: `CUDA base image ${ref} → ${ASCEND_BASE_IMAGE}`,
      hint: BASE_IMAGE_HINT,
      equivalent: ASCEND_BASE_IMAGE,
    });
  lines.forEach((code, i) => {
    const arg = /^\s*ARG\s+([A-Za-z_]\w*)\s*=\s*["']?([^\s"']+)/i.exec(code);
    if (arg) args.set(arg[1], { value: arg[2], line: i + 1 });
    const from = /^\s*FROM\s+(?:--\S+\s+)*([^\s]+)(?:\s+AS\s+(\S+))?/i.exec(code);
    if (!from) return;
    const ref = from[1];
    if (from[2]) stages.add(from[2].toLowerCase());
    if (stages.has(ref.toLowerCase()) && ref.toLowerCase() !== from[2]?.toLowerCase()) return; // an earlier stage
    if (ref.includes('$')) {
      for (const m of ref.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
        const a = args.get(m[1]);
        if (a && isCudaImage(a.value)) image(a.line, a.value);
      }
      return;
    }
    if (isCudaImage(ref)) image(i + 1, ref);
  });
}

/** Findings of one launch script or configuration file. */
/**
 * Every rule of analyzeConfig needs one of these words in the text (the CUDA_*
 * and NCCL_* variables, cuda devices and images, nvidia-smi / nvidia-docker /
 * runtime and driver nvidia, --gpus and gpu capabilities): a config that has
 * none is not read line by line (issue 11: most of a large repository's YAML and
 * JSON). Case-insensitive.
 */
export const CONFIG_WORDS = /cuda|cudnn|nccl|nvidia|gpu/i;

export function analyzeConfig(text: string, kind: ConfigKind): AnalysisFinding[] {
  if (!CONFIG_WORDS.test(text)) return [];
  const out: AnalysisFinding[] = [];
  const seen = new Set<string>();
  const add = (line: number, f: Omit<AnalysisFinding, 'startLine' | 'endLine'>) => {
    const key = `${line}|${f.ruleId}|${f.subject}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ startLine: line, endLine: line, ...f });
  };
  const lines = codeLines(text, kind);
  if (kind === 'dockerfile') baseImageFindings(lines, add);
  const gpu = (line: number, subject: string) =>
    add(line, {
      ruleId: 'scripts/docker-gpu',
      subject,
      message: `${subject}: NVIDIA GPU access for a container → Ascend device files`,
      hint: GPU_ACCESS_HINT,
      equivalent: ASCEND_CONTAINER_DEVICES,
    });
  const hasDriverKey = kind === 'yaml' && lines.some((l) => DRIVER_KEY_RE.test(l));
  lines.forEach((code, i) => {
    const line = i + 1;
    if (code.trim() === '') return;
    for (const m of code.matchAll(GPUS_FLAG_RE)) gpu(line, `--gpus ${m[1].replace(/^(["'])(.*)\1$/, '$2')}`);
    for (const m of code.matchAll(RUNTIME_FLAG_RE)) gpu(line, `--runtime ${m[1]}`);
    if (NVIDIA_DOCKER_RE.test(code)) gpu(line, 'nvidia-docker');
    if (NVIDIA_ENV_RE.test(code)) gpu(line, 'NVIDIA_VISIBLE_DEVICES');
    if (kind === 'yaml') {
      if (RUNTIME_KEY_RE.test(code)) gpu(line, 'runtime: nvidia');
      if (DRIVER_KEY_RE.test(code)) gpu(line, 'driver: nvidia');
      else if (!hasDriverKey && GPU_CAPABILITY_RE.test(code)) gpu(line, 'capabilities: [gpu]');
      const img = IMAGE_KEY_RE.exec(code);
      if (img && IMAGE_REF_RE.test(img[1]) && isCudaImage(img[1])) {
        add(line, {
          ruleId: 'scripts/cuda-base-image',
          subject: img[1],
          message: `CUDA image ${img[1]} → ${ASCEND_BASE_IMAGE}`,
          hint: BASE_IMAGE_HINT,
          equivalent: ASCEND_BASE_IMAGE,
        });
      }
    }
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
