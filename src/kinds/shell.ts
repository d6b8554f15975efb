/**
 * Launch scripts (issue 13 item 2): `*.sh`, `*.bash`, and extensionless files
 * whose first line is a bash / sh shebang. Read with the scanner of
 * shell-lexer.ts; rewritten only at the spans it names, byte-exact elsewhere.
 *
 *   CUDA_VISIBLE_DEVICES=0,1 / export / unset / $CUDA_VISIBLE_DEVICES
 *                                   → ASCEND_RT_VISIBLE_DEVICES (and the other CUDA_ENV_TWINS)   cuda-device-to-npu
 *   NCCL_SOCKET_IFNAME ...          → HCCL_SOCKET_IFNAME (NCCL_ENV_TWINS); no twin or other units: reported   nccl-to-hccl
 *   python train.py --backend nccl  → hccl, when train.py is a Python file of the run                    nccl-to-hccl
 *   python train.py --device cuda:0 → npu:0, same condition                                              cuda-device-to-npu
 *   nvidia-smi (a plain command)    → npu-smi info; output read (pipe, $(...), redirect, flags): reported  cuda-device-to-npu
 *
 * Facts: ascend-facts.md §3.8 (variables; ASCEND_RT_VISIBLE_DEVICES wants an
 * ascending list), §3.10 (npu-smi, HCCL_BUFFSIZE units), via src/facts/env-vars.ts.
 * Never touched: comments, heredoc bodies, single-quoted text, literal text of
 * any command (echo / printf messages included); `$VAR` reads are renamed
 * wherever the shell expands them.
 */
import { applyEdits, editRegions } from '../core/apply';
import { unifiedDiff } from '../core/diff';
import type { Edit } from '../core/edit';
import type { ChangeRecord, EngineNote, ManualRecord } from '../core/pipeline';
import { analyzeConfig, type ConfigKind } from '../analysis/scripts';
import type { FileAnalysis } from '../analysis/types';
import { CUDA_ENV_TWINS, ENV_NOTES, NCCL_ENV_TWINS, NCCL_ENV_VALUE_CHANGES, ncclNoTwinHint } from '../facts/env-vars';
import { LineIndex } from '../python/source';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import { resolveRel } from '../runner/project-index';
import type { KindConverter } from './index';
import { scanShell, type ShCommand, type ShScan, type ShWord } from './shell-lexer';

const CUDA_PASS = 'cuda-device-to-npu';
const NCCL_PASS = 'nccl-to-hccl';

/** One rewrite (with `edit`) or one report of a script, before lines are known. */
export interface ScriptFinding {
  start: number;
  end: number;
  passId: string;
  ruleId: string;
  message: string;
  hint?: string;
  edit?: Edit;
  /** The analysis finding (src/analysis/scripts.ts) this one replaces on its lines. */
  covers: { ruleId: string; subject?: string };
}

export interface ScriptContext {
  /** POSIX path of the file. */
  rel: string;
  passIds: ReadonlySet<string>;
  /** Python files of the run, when known (src/runner/project-index.ts). */
  sources?: ReadonlySet<string>;
}

/**
 * The context of a script of the run. The sets are made once per engine
 * options (a worker's are the same object for every file): made per script,
 * the run's source list (10k paths on the bench corpus) cost 2.3 ms per script.
 */
export function scriptContext(rel: string, opts: EngineOptions): ScriptContext {
  let sets = contextSets.get(opts.passIds);
  if (!sets || sets.sourceList !== opts.project?.sources) {
    const sourceList = opts.project?.sources;
    sets = { passIds: new Set(opts.passIds), sourceList, sources: sourceList ? new Set(sourceList) : undefined };
    contextSets.set(opts.passIds, sets);
  }
  return { rel, passIds: sets.passIds, ...(sets.sources ? { sources: sets.sources } : {}) };
}
const contextSets = new WeakMap<readonly string[], { passIds: ReadonlySet<string>; sourceList: readonly string[] | undefined; sources: ReadonlySet<string> | undefined }>();

const SHEBANG = /^#![ \t]*(?:(?:\/usr(?:\/local)?)?\/bin\/(?:ba)?sh|\/usr\/bin\/env[ \t]+(?:-S[ \t]+)?(?:ba)?sh)(?![\w.-])/;

export const shellKind: KindConverter = {
  id: 'shell',
  readsProjectIndex: true, // the repository's Python files it may run (project.sources)
  matches(rel) {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (/\.(sh|bash)$/i.test(base)) return true;
    // extensionless: a launch script when its first line says so (sniff); Dockerfile / Containerfile are the dockerfile kind
    if (!base.includes('.') && !/^(dockerfile|containerfile)$/i.test(base)) return 'sniff';
    return false;
  },
  sniff(head) {
    return SHEBANG.test(Buffer.from(head.subarray(0, 128)).toString('latin1'));
  },
  convert(rel, bytes, opts) {
    return convertScript(rel, bytes, opts, 'shell', (text, ctx) => {
      const r = shellTextFindings(text, ctx);
      return { findings: r.findings, notes: r.error ? [scanNote(text, r.scan)] : [] };
    });
  },
};

/**
 * The launch-script rules on shell code `text[from, to)` (a whole script, a
 * notebook's `!` line or `%%bash` body): rewrites (findings with `edit`) and
 * reports, with offsets in `text`, sorted. Only the passes in `ctx.passIds`
 * (cuda-device-to-npu, nccl-to-hccl) contribute. When the code cannot be read
 * to the end (`error`), there are no findings. `captured`: the caller reads the
 * whole output (a notebook's `x = !cmd`), as for a command inside `$(...)`.
 */
export function shellTextFindings(
  text: string,
  ctx: ScriptContext,
  from = 0,
  to = text.length,
  captured = false,
): { findings: ScriptFinding[]; error?: ShScan['error']; scan: ShScan } {
  const scan = scanShell(text, from, to);
  if (scan.error) return { findings: [], error: scan.error, scan };
  if (captured) for (const c of scan.commands) c.captured = true;
  return { findings: scriptFindings(scan, ctx), scan };
}

/**
 * A variable set outside shell syntax (a notebook's `%env NAME=value`): the
 * findings for its name at [start, end), by the same tables as in scripts.
 * `value` is its static value, null when unknown.
 */
export function envNameFindings(start: number, end: number, name: string, value: string | null, ctx: ScriptContext): ScriptFinding[] {
  const out: ScriptFinding[] = [];
  envSite(start, end, name, value, ctx, out);
  return out;
}

export function scanNote(text: string, scan: ShScan): EngineNote {
  const line = new LineIndex(text).lineOf(scan.error!.offset);
  return { level: 'warning', message: `shell: cannot read line ${line} (${scan.error!.message}); nothing converted` };
}

// ---------------------------------------------------------------- findings

const ASSIGNMENT = /^([A-Za-z_]\w*)(\[.*?\])?\+?=/; // a[${#a[@]}]=x too
const NAME = /^[A-Za-z_]\w*$/;
const DECLARE = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

/** The findings of the commands and expansions of a scan. */
export function scriptFindings(scan: ShScan, ctx: ScriptContext): ScriptFinding[] {
  const out: ScriptFinding[] = [];
  for (const cmd of scan.commands) {
    const w = cmd.words;
    let i = 0;
    for (; i < w.length && ASSIGNMENT.test(w[i].raw); i++) assignment(w[i], ctx, out);
    if (i >= w.length) continue;
    const name = w[i].value;
    if (name !== undefined && (DECLARE.has(name) || name === 'unset' || name === 'env')) {
      for (let k = i + 1; k < w.length; k++) {
        const a = w[k];
        if (ASSIGNMENT.test(a.raw) && name !== 'unset') assignment(a, ctx, out);
        else if (NAME.test(a.raw) && name !== 'env') envSite(a.start, a.start + a.raw.length, a.raw, undefined, ctx, out);
        else if (name === 'env' && !a.raw.startsWith('-')) break; // the command env runs
      }
    }
    entryArguments(cmd, i, ctx, out);
    nvidiaSmi(cmd, i, ctx, out);
  }
  for (const e of scan.expansions) envSite(e.start, e.end, e.name, undefined, ctx, out);
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

function assignment(w: ShWord, ctx: ScriptContext, out: ScriptFinding[]): void {
  const m = ASSIGNMENT.exec(w.raw)!;
  const eq = w.raw.indexOf('=');
  const value = w.value === undefined ? null : w.value.slice(eq + 1);
  envSite(w.start, w.start + m[1].length, m[1], value, ctx, out);
}

/**
 * A variable name: set (`value`: its static value, null when it expands
 * something), or read / exported / unset (`value` undefined).
 */
function envSite(start: number, end: number, name: string, value: string | null | undefined, ctx: ScriptContext, out: ScriptFinding[]): void {
  const cudaTwin = CUDA_ENV_TWINS[name];
  if (cudaTwin && ctx.passIds.has(CUDA_PASS)) {
    const note = ENV_NOTES[cudaTwin];
    out.push({
      start,
      end,
      passId: CUDA_PASS,
      ruleId: 'shell/cuda-env',
      message: `${name} → ${cudaTwin} (environment variable)`,
      edit: { start, end, content: cudaTwin },
      covers: { ruleId: 'scripts/cuda-env', subject: name },
    });
    // §3.8: ASCEND_RT_VISIBLE_DEVICES takes an ascending list; the order is the user's choice, so reported
    if (cudaTwin === 'ASCEND_RT_VISIBLE_DEVICES' && typeof value === 'string' && value !== '' && !ascendingList(value)) {
      out.push({
        start,
        end,
        passId: CUDA_PASS,
        ruleId: 'shell/visible-devices-order',
        message: `${cudaTwin}=${value}: not an ascending list of device ids`,
        hint: note,
        covers: { ruleId: 'scripts/cuda-env', subject: name },
      });
    }
    return;
  }
  if (!/^(TORCH_)?NCCL_[A-Z0-9_]*[A-Z0-9]$/.test(name) || !ctx.passIds.has(NCCL_PASS)) return;
  const twin = NCCL_ENV_TWINS[name];
  const unitChange = NCCL_ENV_VALUE_CHANGES[name];
  const covers = { ruleId: 'scripts/nccl-env', subject: name };
  if (twin && !unitChange) {
    out.push({ start, end, passId: NCCL_PASS, ruleId: 'shell/nccl-env', message: `${name} → ${twin} (environment variable)`, edit: { start, end, content: twin }, covers });
  } else {
    out.push({
      start,
      end,
      passId: NCCL_PASS,
      ruleId: 'shell/nccl-env-no-twin',
      message: twin ? `${name}: ${twin} takes other units` : `${name} has no HCCL twin`,
      hint: unitChange ?? ncclNoTwinHint(name),
      covers,
    });
  }
}

function ascendingList(value: string): boolean {
  if (!/^\d+(,\d+)*$/.test(value)) return false;
  const ids = value.split(',').map(Number);
  return ids.every((v, i) => i === 0 || v > ids[i - 1]);
}

// ---------------------------------------------------------------- python entry points

/** Commands that run the command in their arguments. */
const WRAPPERS = new Set(['nohup', 'exec', 'time', 'env', 'command', 'srun', 'mpirun', 'mpiexec', 'numactl', 'taskset', 'stdbuf', 'nice', 'ionice', 'sudo', 'timeout']);
const PYTHON = /^python(\d+(\.\d+)*)?$/;
const LAUNCHER = /^(python(\d+(\.\d+)*)?|torchrun|deepspeed|accelerate)$/;

const baseName = (v: string) => v.slice(v.lastIndexOf('/') + 1);

interface Entry {
  /** The script (a path) or module (`-m`), as written; absent when not found. */
  script?: { path?: string; module?: string };
  args: ShWord[];
}

/** The Python entry point a command runs and the arguments it passes to it. */
export function entryPoint(w: readonly ShWord[], i: number): Entry | undefined {
  const first = w[i].value;
  if (first === undefined) return undefined;
  let li = -1;
  if (LAUNCHER.test(baseName(first))) li = i;
  else if (WRAPPERS.has(baseName(first))) li = w.findIndex((x, k) => k > i && x.value !== undefined && LAUNCHER.test(baseName(x.value)));
  if (li < 0) return undefined;
  const launcher = baseName(w[li].value!);
  let k = li + 1;
  if (launcher === 'accelerate') {
    if (w[k]?.value !== 'launch') return undefined;
    k++;
  }
  if (PYTHON.test(launcher)) {
    for (;;) {
      if (k >= w.length) return undefined;
      const v = w[k].value;
      if (v === undefined) return { args: w.slice(k + 1) };
      if (v === '-c') return undefined;
      if (v === '-m') {
        const mod = w[k + 1]?.value;
        if (mod === undefined) return { args: w.slice(k + 2) };
        if (/^torch\.distributed\.(run|launch)$/.test(mod)) {
          k += 2;
          break;
        }
        return { script: { module: mod }, args: w.slice(k + 2) };
      }
      if (v === '-W' || v === '-X') k += 2;
      else if (v.startsWith('-')) k++;
      else return { script: { path: v }, args: w.slice(k + 1) };
    }
  }
  // torchrun / deepspeed / accelerate launch / python -m torch.distributed.run: their options, then the script
  for (; k < w.length; k++) {
    const v = w[k].value;
    if (v === undefined) continue;
    if ((v === '-m' || v === '--module') && w[k + 1]?.value !== undefined) return { script: { module: w[k + 1].value }, args: w.slice(k + 2) };
    if (!v.startsWith('-') && v.endsWith('.py')) return { script: { path: v }, args: w.slice(k + 1) };
  }
  return { args: w.slice(li + 1) };
}

/** Python files of the run the script or module may be (relative to the file's folder or the root). */
function resolveScript(script: Entry['script'], rel: string): string[] {
  if (!script) return [];
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const paths = script.path !== undefined ? [script.path] : [`${script.module!.replace(/\./g, '/')}.py`, `${script.module!.replace(/\./g, '/')}/__main__.py`];
  const out: string[] = [];
  for (const p of paths) {
    if (p.startsWith('/')) continue;
    for (const base of dir ? [dir, ''] : ['']) {
      const n = resolveRel(base, p);
      if (n) out.push(n);
    }
  }
  return out;
}


const BACKEND_OPT = /^--(backend|dist-backend|dist_backend)(?:=(.*))?$/;
const DEVICE_OPT = /^--device(?:=(.*))?$/;

function entryArguments(cmd: ShCommand, i: number, ctx: ScriptContext, out: ScriptFinding[]): void {
  const entry = entryPoint(cmd.words, i);
  if (!entry) return;
  const scriptName = entry.script?.path ?? (entry.script?.module !== undefined ? `-m ${entry.script.module}` : undefined);
  const inRun = ctx.sources !== undefined && resolveScript(entry.script, ctx.rel).some((p) => ctx.sources!.has(p));
  const args = entry.args;
  for (let k = 0; k < args.length; k++) {
    const v = args[k].value;
    if (v === undefined) continue;
    const b = BACKEND_OPT.exec(v);
    const d = b ? null : DEVICE_OPT.exec(v);
    const m = b ?? d;
    if (!m) continue;
    const joined = m[m.length - 1] !== undefined;
    const word = joined ? args[k] : args[k + 1];
    const value = joined ? m[m.length - 1] : word?.value;
    if (!word || value === undefined) continue;
    const opt = `--${b ? b[1] : 'device'}`;
    const isBackend = !!b;
    if (isBackend ? value !== 'nccl' : !/^cuda(:\d+)?$/.test(value)) continue;
    const passId = isBackend ? NCCL_PASS : CUDA_PASS;
    if (!ctx.passIds.has(passId)) continue;
    const token = isBackend ? 'nccl' : 'cuda';
    const twin = isBackend ? 'hccl' : value.replace('cuda', 'npu');
    const covers = { ruleId: isBackend ? 'scripts/nccl-backend' : 'scripts/device-cuda' };
    const ruleId = isBackend ? 'shell/backend-arg' : 'shell/device-arg';
    const idx = word.raw.lastIndexOf(token);
    const plain = idx >= 0 && word.raw.replace(/["']/g, '') === word.value;
    const start = word.start + Math.max(idx, 0);
    if (inRun && plain) {
      out.push({ start, end: start + 4, passId, ruleId, message: `${scriptName} ${opt} ${value} → ${twin}`, edit: { start, end: start + 4, content: isBackend ? 'hccl' : 'npu' }, covers });
    } else {
      const why = !scriptName
        ? 'the Python script this command runs is not named plainly'
        : !inRun
          ? `${scriptName} is not a Python file of this run`
          : 'the argument is quoted in a way this rewrite does not handle';
      out.push({
        start: word.start,
        end: word.end,
        passId,
        ruleId,
        message: `argument ${opt} ${value}: not rewritten (${why})`,
        hint: isBackend
          ? 'pass hccl when the script\'s option is used as the distributed backend (the converted code uses "hccl")'
          : `pass ${twin} when the script's option is used as a torch device (the converted code uses npu)`,
        covers,
      });
    }
    if (!joined) k++;
  }
}

// ---------------------------------------------------------------- nvidia-smi

const NVIDIA_SMI_HINT =
  'npu-smi info is the Ascend tool (§3.10); its output format and options differ from nvidia-smi\'s, so a script that reads the output or passes query flags needs a manual change';

function nvidiaSmi(cmd: ShCommand, i: number, ctx: ScriptContext, out: ScriptFinding[]): void {
  const w = cmd.words[i];
  if (w.value === undefined || baseName(w.value) !== 'nvidia-smi' || !ctx.passIds.has(CUDA_PASS)) return;
  const quiet = cmd.redirects.every((r) => /&$/.test(r.op) || r.target?.value === '/dev/null' || /^[<>]&\d*-?$/.test(r.op + (r.target?.raw ?? '')));
  const plain = w.raw === 'nvidia-smi' && cmd.words.length === i + 1 && !cmd.captured && !cmd.piped && quiet;
  const covers = { ruleId: 'scripts/nvidia-smi', subject: 'nvidia-smi' };
  if (plain) {
    out.push({ start: w.start, end: w.end, passId: CUDA_PASS, ruleId: 'shell/nvidia-smi', message: 'nvidia-smi → npu-smi info', edit: { start: w.start, end: w.end, content: 'npu-smi info' }, covers });
    return;
  }
  const why = cmd.captured || cmd.piped ? 'its output is read' : cmd.words.length > i + 1 ? 'it has options or arguments' : w.raw !== 'nvidia-smi' ? 'it is called by path' : 'its output is redirected';
  out.push({ start: w.start, end: w.end, passId: CUDA_PASS, ruleId: 'shell/nvidia-smi', message: `nvidia-smi: not rewritten (${why})`, hint: NVIDIA_SMI_HINT, covers });
}

// ---------------------------------------------------------------- the file result

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode (UTF-8, else latin-1, so every byte round-trips), find, apply, and
 * describe a script-like file; the analysis of scripts.ts is attached minus
 * what the findings replace.
 */
export function convertScript(
  rel: string,
  bytes: Uint8Array,
  opts: EngineOptions,
  kind: ConfigKind,
  find: (text: string, ctx: ScriptContext) => { findings: ScriptFinding[]; notes: EngineNote[] },
): FileResult {
  const base: FileResult = { rel, status: 'unchanged', diff: '', changes: [], manual: [], notes: [], supportFiles: [], parsed: false };
  if (bytes.subarray(0, 8192).indexOf(0) !== -1) return { ...base, status: 'skipped', reason: 'binary content; copied unchanged' };
  let text: string;
  let latin1 = false;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = Buffer.from(bytes).toString('latin1');
    latin1 = true;
  }
  const { findings, notes } = find(text, scriptContext(rel, opts));
  const lines = new LineIndex(text);
  const edits: Edit[] = [];
  const changes: ChangeRecord[] = [];
  const manual: ManualRecord[] = [];
  for (const f of findings) {
    const startLine = lines.lineOf(f.start);
    const endLine = lines.lineOf(Math.max(f.start, f.end - 1));
    if (f.edit) {
      if (edits.length > 0 && edits[edits.length - 1].end > f.edit.start) continue; // one edit per span
      edits.push(f.edit);
      changes.push({ startLine, endLine, operation: 'MODIFY', message: f.message, passId: f.passId, ruleId: f.ruleId, safety: 'safe' });
    } else {
      manual.push({ startLine, endLine, passId: f.passId, ruleId: f.ruleId, level: 'manual', message: f.message, ...(f.hint ? { hint: f.hint } : {}) });
    }
  }
  let analysis: FileAnalysis | undefined;
  if (opts.analysis !== false) {
    const covered = findings.map((f) => ({ ...f.covers, startLine: lines.lineOf(f.start), endLine: lines.lineOf(Math.max(f.start, f.end - 1)) }));
    analysis = {
      findings: analyzeConfig(text, kind).filter(
        (a) => !covered.some((c) => c.ruleId === a.ruleId && (c.subject === undefined || c.subject === a.subject) && c.startLine <= a.endLine && a.startLine <= c.endLine),
      ),
    };
  }
  const result: FileResult = { ...base, changes, manual, notes, parsed: true, ...(analysis ? { analysis } : {}), ...(latin1 ? { encoding: 'latin_1' } : {}) };
  if (edits.length === 0) return result;
  const output = applyEdits(text, edits);
  const regions = editRegions(text, edits);
  return {
    ...result,
    status: 'changed',
    output: latin1 ? Buffer.from(output, 'latin1') : Buffer.from(output, 'utf8'),
    diff: unifiedDiff(rel, text, output, { regions }),
  };
}
