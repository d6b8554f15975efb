/**
 * Config files (YAML, JSON, TOML, INI / .cfg), issue 13 item 3: a key whose
 * value is a CUDA device or the NCCL backend is converted when
 *
 *  (a) the key's name makes the role clear (DEVICE_KEYS, BACKEND_KEYS below), and
 *  (b) the repository's Python code reads the file: a string literal names it
 *      (`"configs/train.yaml"`, `"train.yaml"`, `f"configs/{name}.yaml"`), or a
 *      Hydra `config_path=` names a folder above it (src/runner/project-index.ts
 *      `configRefs` / `configDirs`).
 *
 * Only the value token changes (`cuda` → `npu`, `"cuda:0"` → `"npu:0"`, `nccl` →
 * `hccl`; quotes, comments, spacing, line endings and BOM stay): the file is
 * never re-serialised. A matching key in a file no code reads is a manual
 * record. Settings of tools that read their own configs (HF accelerate's
 * `distributed_type: MULTI_GPU`, `gpu_ids`; Lightning's `accelerator: gpu`) are
 * manual records: regenerate those configs on the Ascend machine. Everything
 * else that mentions cuda / nccl keeps its analysis finding
 * (src/analysis/scripts.ts analyzeConfig).
 *
 * Why the values are right (ascend-facts.md): the converted code imports
 * torch_npu, which registers the `npu` device (§3.9 device conventions: `npu`,
 * `npu:N` wherever torch takes `cuda`, `cuda:N`) and the `hccl` backend (§3.7;
 * §3.10: the string "hccl" works wherever the backend name is taken).
 *
 * Parsing: YAML with the `yaml` package's document model (exact source ranges of
 * each scalar; block scalars, aliases, tags and multi-line scalars are never
 * candidates; loaded lazily, on the first YAML file that mentions cuda / nccl /
 * gpu); JSON, TOML and INI with small tokenizers below (strings and comments
 * skipped; only a string or bare value right after `key:` / `key =` counts).
 */
import type { ChangeRecord, ManualRecord } from '../core/pipeline';
import type { AnalysisFinding } from '../analysis/types';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import type { ProjectFacts } from '../runner/project-index';
import type { KindConverter } from './index';
import type { Edit } from '../core/edit';
import { decodeUtf8, lineAt, lineStarts, otherAnalysis, textResult } from './value-edits';

export type ConfigFormat = 'yaml' | 'json' | 'toml' | 'ini';

/** A `key: value` pair whose value is a plain string: the value's offsets (quotes excluded) in the text. */
export interface ValueSite {
  key: string;
  value: string;
  start: number;
  end: number;
  /** A YAML alias (`device: *dev`): `value` is what its anchor holds; reported, never edited (the anchor may serve other keys). */
  alias?: true;
}

/**
 * Keys whose value is a torch device (normalised: lower case, `-` → `_`):
 * `device` (most training configs: `torch.device(cfg.device)`), `device_type`
 * (torch.autocast's parameter), `map_location` (torch.load's), and `<word>_device`
 * (`train_device`, `default_device`). Not `devices` (Lightning: a count or a
 * list of indices), not `accelerator` (Lightning's accelerator names are not
 * torch devices; reported instead), not `device_map` (HF: `auto` or a mapping).
 */
export function isDeviceKey(key: string): boolean {
  const k = normaliseKey(key);
  return k === 'device' || k === 'device_type' || k === 'map_location' || /^[a-z0-9]+_device$/.test(k);
}

/**
 * Keys whose value is a torch.distributed backend: `backend` (init_process_group's
 * parameter), `dist_backend` (torchrun-style scripts, DeepSpeed's `dist_backend`),
 * `ddp_backend` (HF TrainingArguments), `distributed_backend` (fairseq),
 * `process_group_backend` (Lightning's DDPStrategy). The value must be `nccl`,
 * which names nothing but the NCCL backend.
 */
const BACKEND_KEYS = new Set(['backend', 'dist_backend', 'ddp_backend', 'distributed_backend', 'process_group_backend']);

export function isBackendKey(key: string): boolean {
  return BACKEND_KEYS.has(normaliseKey(key));
}

function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/-/g, '_');
}

const DEVICE_VALUE = /^cuda(:\d+)?$/;

/** Settings of tools that read their own configs: reported, never rewritten. */
function toolSetting(key: string, value: string): { subject: string; hint: string } | undefined {
  const k = normaliseKey(key);
  if (k === 'distributed_type' && /gpu/i.test(value)) {
    return {
      subject: `distributed_type: ${value}`,
      hint: 'an HF accelerate config written for NVIDIA GPUs: regenerate it with `accelerate config` on the Ascend machine (accelerate detects NPUs through torch_npu, ascend-facts.md §1.13); do not edit the value by hand',
    };
  }
  if (k === 'gpu_ids') {
    return {
      subject: `gpu_ids: ${value}`,
      hint: 'GPU indices of an HF accelerate config: regenerate the config with `accelerate config` on the Ascend machine, or choose NPUs with ASCEND_RT_VISIBLE_DEVICES',
    };
  }
  if (k === 'accelerator' && /^(gpu|cuda)$/i.test(value)) {
    return {
      subject: `accelerator: ${value}`,
      hint: 'a Lightning accelerator name, not a torch device: use the NPU accelerator your Lightning version (or an Ascend plugin for it) provides, if any; otherwise run the model with plain torch on device "npu"',
    };
  }
  return undefined;
}

/** Which format a file is, by name (undefined: not a config this kind takes). */
export function configFormat(rel: string): ConfigFormat | undefined {
  const parts = rel.split('/');
  const base = parts[parts.length - 1].toLowerCase();
  if (NOT_CONFIGS.test(base) || parts.slice(0, -1).some((p) => TOOL_DIRS.has(p))) return undefined;
  if (/\.ya?ml$/.test(base)) return 'yaml';
  if (/\.json$/.test(base)) return 'json';
  if (/\.toml$/.test(base)) return 'toml';
  if (/\.(ini|cfg)$/.test(base)) return 'ini';
  return undefined;
}

/**
 * Files with a config extension that are not training configs: dependency files
 * (requirements.ts takes setup.cfg and pyproject.toml; conda environments are
 * analysed only), container and CI files (analysed only: their settings are for
 * docker and CI runners, src/analysis/scripts.ts), and package / tool metadata.
 */
const NOT_CONFIGS =
  /^(setup\.cfg|pyproject\.toml|(environment|conda)[^/]*\.ya?ml|(docker-)?compose[^/]*\.ya?ml|\.gitlab-ci\.ya?ml|azure-pipelines\.ya?ml|\.travis\.ya?ml|\.pre-commit-config\.ya?ml|\.readthedocs\.ya?ml|mkdocs\.ya?ml|codecov\.ya?ml|package(-lock)?\.json|tsconfig[^/]*\.json|tox\.ini|ascendify\.toml|\.flake8|mypy\.ini|pytest\.ini|\.coveragerc)$/;
const TOOL_DIRS = new Set(['.github', '.circleci', '.gitlab', '.vscode', '.idea', '.devcontainer']);

/** Does the repository's Python code read this file? undefined when there are no repository facts (a single-file run). */
export function readByCode(rel: string, project: ProjectFacts | undefined): boolean | undefined {
  if (!project) return undefined;
  if ((project.configDirs ?? []).some((d) => d === '' || rel.startsWith(`${d}/`))) return true;
  return (project.configRefs ?? []).some((ref) => refMatches(ref, rel));
}

/** Does a path named in code (`configs/train.yaml`, `train.yaml`, `configs/*.yaml`, `../cfg/a.yaml`) name `rel`, as a path suffix? */
export function refMatches(ref: string, rel: string): boolean {
  const parts = ref.split('/').filter((p) => p !== '' && p !== '.');
  while (parts[0] === '..') parts.shift();
  if (parts.length === 0) return false;
  const re = new RegExp(
    `(^|/)${parts.map((p) => p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('/')}$`,
  );
  return re.test(rel);
}

/** The value sites of a config text, or null when the text does not parse in its format (then nothing is converted). */
export function configSites(text: string, format: ConfigFormat): ValueSite[] | null {
  if (!CANDIDATE.test(text)) return [];
  switch (format) {
    case 'yaml':
      return yamlSites(text);
    case 'json':
      return jsonSites(text);
    case 'toml':
      return tomlSites(text);
    case 'ini':
      return iniSites(text);
  }
}

/**
 * A value that could be converted or reported (`: cuda`, `= "cuda:0"`, `: &d nccl`,
 * up to the end of the line, a comment or a flow separator), or a reported key: the
 * file is parsed only when one shows (most YAML and JSON files are data).
 */
const CANDIDATE =
  /[:=][ \t]*(?:[&!]\S*[ \t]+)*["']?(?:cuda(?::\d+)?|nccl)["']?[ \t]*(?:[\r\n,}\]#;]|$)|(?:distributed_type|gpu_ids|accelerator)["']?[ \t]*[:=]/im;

/** YAML larger than this (256 KiB) is not parsed: data, not a config, and the parser can need seconds per MB. Analysis only. */
export const MAX_YAML_CHARS = 256 * 1024;

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;

function yamlSites(text: string): ValueSite[] | null {
  if (text.length > MAX_YAML_CHARS) return null;
  yamlModule ??= require('yaml') as YamlModule; // lazy: most runs have no YAML that mentions cuda
  const Y = yamlModule;
  const docs = Y.parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const out: ValueSite[] = [];
  const anchorKeys = new Map<unknown, string>(); // anchored scalar → the key it stands under
  for (const doc of list) {
    if (doc.errors.length > 0) return null;
    Y.visit(doc, {
      Pair(_key, pair) {
        const k = pair.key;
        const v = pair.value;
        if (Y.isScalar(k) && typeof k.value === 'string' && Y.isAlias(v) && v.range) {
          const target = v.resolve(doc);
          // an anchor under a key of the same role is converted itself, and its aliases with it
          const anchorKey = target ? anchorKeys.get(target) : undefined;
          const sameRole = anchorKey !== undefined && (isDeviceKey(anchorKey) ? isDeviceKey(k.value) : isBackendKey(anchorKey) && isBackendKey(k.value));
          if (Y.isScalar(target) && typeof target.value === 'string' && !sameRole) out.push({ key: k.value, value: target.value, start: v.range[0], end: v.range[1], alias: true });
          return;
        }
        if (Y.isScalar(k) && typeof k.value === 'string' && Y.isScalar(v) && v.anchor) anchorKeys.set(v, k.value);
        if (!Y.isScalar(k) || !Y.isScalar(v) || typeof k.value !== 'string' || typeof v.value !== 'string' || !v.range) return;
        const [s, e] = v.range;
        const raw = text.slice(s, e);
        if (v.type === 'PLAIN' && raw === v.value) out.push({ key: k.value, value: v.value, start: s, end: e });
        else if ((v.type === 'QUOTE_DOUBLE' || v.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === v.value) {
          out.push({ key: k.value, value: v.value, start: s + 1, end: e - 1 });
        }
      },
    });
  }
  return out;
}

/**
 * JSON (comments tolerated, as in JSONC): a string followed by `:` is a key; a
 * string right after the `:` is its value. One pass with charCodeAt (data files
 * of several MB are JSON too).
 */
function jsonSites(text: string): ValueSite[] {
  const out: ValueSite[] = [];
  // the last two tokens: a key string, then ':'
  let keyStart = -1;
  let keyEnd = -1;
  let afterColon = false;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 34 || d === 10) break;
        j += d === 92 /* \ */ ? 2 : 1;
      }
      const end = Math.min(j + 1, n);
      if (afterColon && keyStart >= 0 && end - i <= 66) {
        // values longer than 64 characters are neither devices, backends nor reported settings
        const key = text.slice(keyStart + 1, keyEnd - 1);
        const value = text.slice(i + 1, end - 1);
        if (!key.includes('\\') && !value.includes('\\')) out.push({ key, value, start: i + 1, end: end - 1 });
        keyStart = -1;
      } else if (afterColon) {
        keyStart = -1;
      } else {
        keyStart = i;
        keyEnd = end;
      }
      afterColon = false;
      i = end;
      continue;
    }
    if (c === 58 /* : */ && keyStart >= 0 && !afterColon) {
      afterColon = true;
      i++;
      continue;
    }
    // any other token: no key pending
    keyStart = -1;
    afterColon = false;
    i++;
  }
  return out;
}

/**
 * TOML: `key = "value"` / `key = 'value'` (bare, quoted or dotted key; the last
 * part counts), at the start of a line or inside an inline table. Multi-line
 * strings and comments are skipped.
 */
function tomlSites(text: string): ValueSite[] {
  const out: ValueSite[] = [];
  type Tok = { kind: 'key' | 'string' | 'punct' | 'nl' | 'other'; start: number; end: number; value?: string };
  const tokens: Tok[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      tokens.push({ kind: 'nl', start: i, end: ++i });
    } else if (c === ' ' || c === '\t') i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    else if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      const q = text.slice(i, i + 3);
      const end = text.indexOf(q, i + 3);
      let j = end < 0 ? text.length : end + 3;
      while (text[j] === q[0]) j++; // up to two more quotes belong to the string
      tokens.push({ kind: 'other', start: i, end: j });
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n' && text[j] !== '\r') j += c === '"' && text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i + 1, j);
      tokens.push({ kind: 'string', start: i, end: j + 1, value: c === '"' && raw.includes('\\') ? undefined : raw });
      i = j + 1;
    } else if ('=.,{}[]'.includes(c)) tokens.push({ kind: 'punct', start: i, end: ++i });
    else {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_-]/.test(text[i])) i++;
      if (i === start) {
        i++;
        tokens.push({ kind: 'other', start, end: i });
      } else tokens.push({ kind: 'key', start, end: i, value: text.slice(start, i) });
    }
  }
  const punct = (t: Tok | undefined, ch: string) => t?.kind === 'punct' && text[t.start] === ch;
  // open [ and {: a key starts a line outside brackets, or follows { or , inside an inline table
  const open: string[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (punct(tok, '[') || punct(tok, '{')) open.push(text[tok.start]);
    else if (punct(tok, ']') || punct(tok, '}')) open.pop();
    if (!punct(tok, '=')) continue;
    const key = tokens[t - 1];
    const value = tokens[t + 1];
    if (!key || (key.kind !== 'key' && key.kind !== 'string') || value?.kind !== 'string' || value.value === undefined) continue;
    let first = t - 1; // the first part of a dotted key
    while (punct(tokens[first - 1], '.') && tokens[first - 2] && (tokens[first - 2].kind === 'key' || tokens[first - 2].kind === 'string')) first -= 2;
    const before = tokens[first - 1];
    const top = open[open.length - 1];
    const startsKey = top === undefined ? !before || before.kind === 'nl' : top === '{' && (punct(before, '{') || punct(before, ','));
    if (!startsKey) continue;
    const keyText = key.kind === 'key' ? key.value! : text.slice(key.start + 1, key.end - 1);
    out.push({ key: keyText, value: value.value, start: value.start + 1, end: value.end - 1 });
  }
  return out;
}

/**
 * INI / .cfg (configparser): `key = value` or `key: value` at the start of a
 * line (indented lines continue a value); the value is the rest of the line
 * up to an inline `#` / `;` comment after whitespace, optionally quoted.
 */
function iniSites(text: string): ValueSite[] {
  const out: ValueSite[] = [];
  const re = /^([A-Za-z0-9_.-][^=:\r\n]*?)[ \t]*[=:][ \t]*([^\r\n]*)$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[2].replace(/\s+[#;].*$/, '').replace(/\s+$/, '');
    const valueStart = m.index + m[0].length - m[2].length;
    const q = /^(["'])(.*)\1$/.exec(raw);
    if (q) out.push({ key: m[1], value: q[2], start: valueStart + 1, end: valueStart + 1 + q[2].length });
    else out.push({ key: m[1], value: raw, start: valueStart, end: valueStart + raw.length });
  }
  return out;
}

const DEVICE_PASS = 'cuda-device-to-npu';
const BACKEND_PASS = 'nccl-to-hccl';
/** Every finding or record needs one of these words in the file. */
const CONFIG_TRIGGER = /cuda|nccl|gpu/i;

/** The records and edits for one config text (pure: the runner's facts come in `read`). */
export function convertConfigText(
  text: string,
  format: ConfigFormat,
  passIds: readonly string[],
  read: boolean | undefined,
): { edits: Edit[]; changes: ChangeRecord[]; manual: ManualRecord[] } | null {
  const edits: Edit[] = [];
  const changes: ChangeRecord[] = [];
  const manual: ManualRecord[] = [];
  if (!CONFIG_TRIGGER.test(text)) return { edits, changes, manual };
  const sites = configSites(text, format);
  if (!sites) return null;
  const devices = passIds.includes(DEVICE_PASS);
  const backends = passIds.includes(BACKEND_PASS);
  const wanted = sites.filter((s) => (devices && (DEVICE_VALUE.test(s.value) || toolSetting(s.key, s.value))) || (backends && s.value === 'nccl'));
  if (wanted.length === 0) return { edits, changes, manual };
  const starts = lineStarts(text);
  for (const s of wanted) {
    const line = lineAt(starts, s.start);
    const tool = devices ? toolSetting(s.key, s.value) : undefined;
    if (tool) {
      manual.push({ startLine: line, endLine: line, passId: DEVICE_PASS, ruleId: 'cuda-device-to-npu/config-gpu-setting', level: 'manual', message: `${tool.subject}: a GPU setting of a tool's own config`, hint: tool.hint });
      continue;
    }
    let passId: string;
    let ruleId: string;
    let npu: string;
    if (devices && DEVICE_VALUE.test(s.value) && isDeviceKey(s.key)) {
      [passId, ruleId, npu] = [DEVICE_PASS, 'cuda-device-to-npu/config-device', s.value.replace('cuda', 'npu')];
    } else if (backends && s.value === 'nccl' && isBackendKey(s.key)) {
      [passId, ruleId, npu] = [BACKEND_PASS, 'nccl-to-hccl/config-backend', 'hccl'];
    } else continue;
    const what = `${s.key}: ${s.value}`;
    const registers = ruleId === 'cuda-device-to-npu/config-device' ? 'npu device' : 'hccl backend';
    const report = (message: string, hint: string) => manual.push({ startLine: line, endLine: line, passId, ruleId, level: 'manual', message, hint });
    if (s.alias) {
      report(
        `${s.key}: ${text.slice(s.start, s.end)} (= ${s.value}) not converted: the value comes from a YAML anchor`,
        `set the anchored value to ${npu} if every key that refers to it wants the NPU (torch_npu registers the ${registers}), or give ${s.key} its own value`,
      );
    } else if (read) {
      edits.push({ start: s.start, end: s.end, content: npu });
      changes.push({ startLine: line, endLine: line, operation: 'MODIFY', message: `${what} → ${npu}`, passId, ruleId, safety: 'safe' });
    } else {
      const why = read === false ? 'no Python code of the repository names this file' : 'a single-file run cannot tell whether code reads this file';
      report(
        `${what} not converted: ${why}`,
        `if this config is read by the converted code, set ${s.key} to ${npu} (torch_npu registers the ${registers}); if another tool reads it, check that tool's NPU support`,
      );
    }
  }
  return { edits, changes, manual };
}

/** Analysis findings one of our records covers: the same setting on the same line. */
const COVERED_RULES: Readonly<Record<string, string>> = { 'cuda-device-to-npu/config-device': 'scripts/device-cuda', 'nccl-to-hccl/config-backend': 'scripts/nccl-backend' };

export function convertConfig(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
  const format = configFormat(rel)!;
  const decoded = decodeUtf8(bytes);
  const analysisOf = (records: { startLine: number; ruleId: string }[]) =>
    otherAnalysis(rel, bytes, opts, (f: AnalysisFinding) => records.some((r) => COVERED_RULES[r.ruleId] === f.ruleId && r.startLine === f.startLine));
  if (!decoded) return textResult(rel, { text: '', bom: false }, [], { changes: [], manual: [] }, analysisOf([]));
  const r = convertConfigText(decoded.text, format, opts.passIds, readByCode(rel, opts.project));
  if (!r) return textResult(rel, decoded, [], { changes: [], manual: [] }, analysisOf([]));
  return textResult(rel, decoded, r.edits, r, analysisOf([...r.changes, ...r.manual]));
}

export const configKind: KindConverter = {
  id: 'config',
  readsProjectIndex: true, // which configs the code reads (readByCode)
  matches: (rel) => configFormat(rel) !== undefined,
  convert: convertConfig,
};
