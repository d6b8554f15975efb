/**
 * The benchmark corpora, built deterministically from what is on the machine:
 *
 * - large (~1M lines): copies of CPython's standard library (the .py files of
 *   Debian's python3, about 300k lines each) up to ~60% of the lines, then the
 *   golden samples' input trees (PyTorch training code, every file type)
 *   replicated under renamed paths until the total reaches the target.
 * - small (50 Python files, ~16k lines): the golden inputs plus top-level standard
 *   library modules, the size of a typical training repository.
 *
 * Both live under bench-corpus/ (git-ignored) and are rebuilt only when their
 * sources change: a fingerprint of every source path, size and mtime is kept in
 * corpus.json beside them.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bump when the layout rules change, so existing corpora are rebuilt. */
const GENERATOR_VERSION = 3;
export const LARGE_TARGET_LINES = 1_000_000;
const STDLIB_SHARE = 0.6;
const SMALL_FILES = 50;
const SMALL_TARGET_LINES = 16_000;

export interface SourceFile {
  /** Path relative to its source root (POSIX). */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  lines: number;
}

export interface CorpusInfo {
  dir: string;
  files: number;
  pythonFiles: number;
  lines: number;
  bytes: number;
  /** What it was made of, for the report. */
  recipe: string;
}

export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'bin', 'ascendify.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('package root not found above ' + __dirname);
  }
}

/** CPython's standard library: the interpreter's own answer, else the newest /usr/lib/python3.X. */
export function stdlibRoot(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      const dir = execFileSync(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (dir && fs.existsSync(path.join(dir, 'os.py'))) return dir;
    } catch {
      // try the next one
    }
  }
  const candidates = fs.existsSync('/usr/lib')
    ? fs.readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).sort((a, b) => Number(b.slice(8)) - Number(a.slice(8)))
    : [];
  for (const d of candidates) if (fs.existsSync(path.join('/usr/lib', d, 'os.py'))) return path.join('/usr/lib', d);
  return undefined;
}

const SKIP_DIRS = new Set(['__pycache__', 'site-packages', 'dist-packages', '.git']);

/** Regular files below root, sorted by POSIX path; `filter` on the relative path. */
export function listFiles(root: string, filter: (rel: string) => boolean = () => true): SourceFile[] {
  const out: SourceFile[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) visit(abs, r);
      } else if (st.isFile() && filter(r)) {
        out.push({ rel: r, abs, size: st.size, mtimeMs: Math.floor(st.mtimeMs), lines: 0 });
      }
    }
  };
  visit(root, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
  return n;
}

function withLines(files: SourceFile[]): SourceFile[] {
  for (const f of files) f.lines = countLines(fs.readFileSync(f.abs));
  return files;
}

interface Sources {
  stdlib?: { root: string; files: SourceFile[] };
  golden: { sample: string; files: SourceFile[] }[];
}

function sources(root: string): Sources {
  const std = stdlibRoot();
  const stdlib = std ? { root: std, files: withLines(listFiles(std, (r) => r.endsWith('.py'))) } : undefined;
  const goldenDir = path.join(root, 'golden');
  const golden = fs.existsSync(goldenDir)
    ? fs
        .readdirSync(goldenDir)
        .sort()
        .filter((s) => fs.existsSync(path.join(goldenDir, s, 'input')))
        .map((sample) => ({ sample, files: withLines(listFiles(path.join(goldenDir, sample, 'input'))) }))
    : [];
  return { stdlib, golden };
}

function fingerprint(kind: string, src: Sources): string {
  const h = createHash('sha256');
  h.update(`${GENERATOR_VERSION}|${kind}|${LARGE_TARGET_LINES}|${SMALL_TARGET_LINES}\n`);
  for (const f of src.stdlib?.files ?? []) h.update(`s|${f.abs}|${f.size}|${f.mtimeMs}\n`);
  for (const g of src.golden) for (const f of g.files) h.update(`g|${g.sample}|${f.rel}|${f.size}|${f.mtimeMs}\n`);
  return h.digest('hex');
}

interface Plan {
  /** [target rel, source abs] */
  copies: [string, string][];
  recipe: string;
}

function planLarge(src: Sources): Plan {
  const copies: [string, string][] = [];
  let lines = 0;
  const parts: string[] = [];
  if (src.stdlib && src.stdlib.files.length > 0) {
    const stdLines = src.stdlib.files.reduce((s, f) => s + f.lines, 0);
    const n = Math.max(1, Math.round((LARGE_TARGET_LINES * STDLIB_SHARE) / stdLines));
    for (let c = 1; c <= n; c++) {
      for (const f of src.stdlib.files) copies.push([`stdlib-${c}/${f.rel}`, f.abs]);
      lines += stdLines;
    }
    parts.push(`${n} × the standard library of ${src.stdlib.root} (${src.stdlib.files.length} .py files, ${stdLines} lines)`);
  }
  const goldenLines = src.golden.reduce((s, g) => s + g.files.filter((f) => f.rel.endsWith('.py')).reduce((t, f) => t + f.lines, 0), 0);
  if (goldenLines > 0) {
    let r = 0;
    while (lines < LARGE_TARGET_LINES) {
      r++;
      for (const g of src.golden) {
        for (const f of g.files) {
          copies.push([`torch/r${String(r).padStart(4, '0')}-${g.sample}/${f.rel}`, f.abs]);
          if (f.rel.endsWith('.py')) lines += f.lines;
        }
      }
    }
    parts.push(`${r} × the golden inputs (${src.golden.map((g) => g.sample).join(', ')}; ${goldenLines} lines of Python)`);
  }
  if (copies.length === 0) throw new Error('no corpus source found: neither a python3 standard library nor golden/*/input');
  return { copies, recipe: parts.join(' + ') };
}

function planSmall(src: Sources): Plan {
  const copies: [string, string][] = [];
  let pyFiles = 0;
  let lines = 0;
  for (const g of src.golden) {
    for (const f of g.files) {
      if (f.rel.endsWith('.py') && pyFiles >= SMALL_FILES / 2) continue;
      copies.push([`${g.sample}/${f.rel}`, f.abs]);
      if (f.rel.endsWith('.py')) {
        pyFiles++;
        lines += f.lines;
      }
    }
  }
  const fromGolden = pyFiles;
  // top-level standard library modules: each time the one closest to the line budget left per file
  const candidates = (src.stdlib?.files ?? []).filter((f) => !f.rel.includes('/') && f.lines >= 100);
  while (pyFiles < SMALL_FILES && candidates.length > 0) {
    const budget = (SMALL_TARGET_LINES - lines) / (SMALL_FILES - pyFiles);
    let best = 0;
    for (let i = 1; i < candidates.length; i++) {
      if (Math.abs(candidates[i].lines - budget) < Math.abs(candidates[best].lines - budget)) best = i;
    }
    const [f] = candidates.splice(best, 1);
    copies.push([`lib/${f.rel}`, f.abs]);
    pyFiles++;
    lines += f.lines;
  }
  return { copies, recipe: `the golden inputs (${fromGolden} .py files) + ${pyFiles - fromGolden} standard library modules, about ${SMALL_TARGET_LINES} lines in ${SMALL_FILES} Python files` };
}

function materialise(dir: string, plan: Plan, print: boolean): void {
  fs.rmSync(dir, { recursive: true, force: true });
  if (print) process.stderr.write(`bench: building ${dir} (${plan.copies.length} files)...\n`);
  const made = new Set<string>();
  for (const [rel, abs] of plan.copies) {
    const target = path.join(dir, ...rel.split('/'));
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.copyFileSync(abs, target);
    fs.chmodSync(target, fs.statSync(abs).mode & 0o777);
  }
}

/** Describe an existing tree the way the benchmark sees it (Python files as the CLI picks them). */
export function describeTree(dir: string, recipe: string): CorpusInfo {
  const files = listFiles(dir, () => true);
  let pythonFiles = 0;
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    if (!f.rel.endsWith('.py') || f.rel.split('/').some((p) => p === '.git' || p === '.hg' || p === '.svn')) continue;
    const buf = fs.readFileSync(f.abs);
    pythonFiles++;
    lines += countLines(buf);
    bytes += buf.length;
  }
  return { dir, files: files.length, pythonFiles, lines, bytes, recipe };
}

/** Build (or reuse) bench-corpus/large and bench-corpus/small. */
export function ensureCorpora(root = packageRoot(), print = true): { large: CorpusInfo; small: CorpusInfo } {
  const base = path.join(root, 'bench-corpus');
  fs.mkdirSync(base, { recursive: true });
  const src = sources(root);
  const out: Partial<Record<'large' | 'small', CorpusInfo>> = {};
  for (const kind of ['large', 'small'] as const) {
    const dir = path.join(base, kind);
    const manifest = path.join(base, `${kind}.json`);
    const fp = fingerprint(kind, src);
    let info: CorpusInfo | undefined;
    if (fs.existsSync(manifest) && fs.existsSync(dir)) {
      const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { fingerprint: string; info: CorpusInfo };
      if (m.fingerprint === fp) info = { ...m.info, dir };
    }
    if (!info) {
      const plan = kind === 'large' ? planLarge(src) : planSmall(src);
      materialise(dir, plan, print);
      info = describeTree(dir, plan.recipe);
      fs.writeFileSync(manifest, JSON.stringify({ fingerprint: fp, info }, null, 2) + '\n');
    }
    out[kind] = info;
  }
  return { large: out.large!, small: out.small! };
}

// ---------------------------------------------------------------------------
// The scale corpus (`npm run bench -- --scale`): a model-zoo-sized repository.

export const SCALE_TARGET_LINES = 5_000_000;
/** Share of the lines that is PyTorch training code (the golden inputs); the rest is library code. */
const SCALE_TRAINING_SHARE = 0.08;
/** Every how many standard-library files one becomes GBK-encoded (PEP 263 declaration + Chinese comments). */
const SCALE_GBK_EVERY = 97;
/** Every how many standard-library files one gets a symlink beside it (`<name>_link.py` -> `<name>.py`). */
const SCALE_SYMLINK_EVERY = 211;
const SCALE_VERSION = 2; // 2: library copies under lib/, so that part can be measured on its own

/**
 * GBK bytes of a few fixed Chinese comments (checked against Python's gbk codec:
 * `'# 中文注释：数据加载与模型训练'.encode('gbk')`), so the generator needs no encoder.
 */
const GBK_COMMENTS = [
  '2320d6d0cec4d7a2cacda3bacafdbeddbcd3d4d8d3ebc4a3d0cdd1b5c1b7', // # 中文注释：数据加载与模型训练
  '2320d1b5c1b7d1adbbb7', // # 训练循环
  '2320c4a3d0cd', // # 模型
].map((h) => Buffer.from(h, 'hex'));

function gbkVariant(src: Buffer, k: number): Buffer {
  // line 1: the declaration; then a Chinese comment before every 40th line of the original
  const parts: Buffer[] = [Buffer.from('# -*- coding: gbk -*-\n')];
  let start = 0;
  let line = 0;
  for (let i = src.indexOf(10); i !== -1; i = src.indexOf(10, i + 1)) {
    if (line % 40 === 0) parts.push(GBK_COMMENTS[(k + line / 40) % GBK_COMMENTS.length], Buffer.from('\n'));
    parts.push(src.subarray(start, i + 1));
    start = i + 1;
    line++;
  }
  parts.push(src.subarray(start));
  return Buffer.concat(parts);
}

/**
 * Build (or reuse) bench-corpus/scale: the standard library replicated under
 * renamed directories (`lib/zoo-01/`, `lib/zoo-02/`, ...) to (1 - training share) of
 * SCALE_TARGET_LINES, every SCALE_GBK_EVERY-th of its files rewritten as GBK with
 * Chinese comments, a symlink beside every SCALE_SYMLINK_EVERY-th, then the golden
 * inputs replicated under `train/` to the target. Same result every time.
 */
export function ensureScaleCorpus(root = packageRoot(), print = true): CorpusInfo {
  const base = path.join(root, 'bench-corpus');
  fs.mkdirSync(base, { recursive: true });
  const src = sources(root);
  const dir = path.join(base, 'scale');
  const manifest = path.join(base, 'scale.json');
  const h = createHash('sha256');
  h.update(`${SCALE_VERSION}|${SCALE_TARGET_LINES}|${SCALE_TRAINING_SHARE}|${SCALE_GBK_EVERY}|${SCALE_SYMLINK_EVERY}\n`);
  h.update(fingerprint('scale', src));
  const fp = h.digest('hex');
  if (fs.existsSync(manifest) && fs.existsSync(dir)) {
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { fingerprint: string; info: CorpusInfo };
    if (m.fingerprint === fp) return { ...m.info, dir };
  }
  if (!src.stdlib || src.stdlib.files.length === 0) throw new Error('the scale corpus needs a python3 standard library');
  fs.rmSync(dir, { recursive: true, force: true });
  if (print) process.stderr.write(`bench: building ${dir} (about ${SCALE_TARGET_LINES / 1e6}M lines, once)...\n`);
  const stdLines = src.stdlib.files.reduce((s, f) => s + f.lines, 0);
  const copies = Math.max(1, Math.round((SCALE_TARGET_LINES * (1 - SCALE_TRAINING_SHARE)) / stdLines));
  const made = new Set<string>();
  const mkdir = (p: string) => {
    if (!made.has(p)) {
      fs.mkdirSync(p, { recursive: true });
      made.add(p);
    }
  };
  let lines = 0;
  let gbk = 0;
  let links = 0;
  let k = 0;
  for (let c = 1; c <= copies; c++) {
    for (const f of src.stdlib.files) {
      const target = path.join(dir, 'lib', `zoo-${String(c).padStart(2, '0')}`, ...f.rel.split('/'));
      mkdir(path.dirname(target));
      k++;
      if (k % SCALE_GBK_EVERY === 0) {
        const data = gbkVariant(fs.readFileSync(f.abs), k);
        fs.writeFileSync(target, data);
        lines += countLines(data);
        gbk++;
      } else {
        fs.copyFileSync(f.abs, target);
        lines += f.lines;
      }
      if (k % SCALE_SYMLINK_EVERY === 0) {
        fs.symlinkSync(path.basename(target), target.replace(/\.py$/, '_link.py'));
        links++;
      }
    }
  }
  const goldenLines = src.golden.reduce((s, g) => s + g.files.filter((f) => f.rel.endsWith('.py')).reduce((t, f) => t + f.lines, 0), 0);
  let r = 0;
  if (goldenLines > 0) {
    while (lines < SCALE_TARGET_LINES) {
      r++;
      for (const g of src.golden) {
        for (const f of g.files) {
          const target = path.join(dir, 'train', `r${String(r).padStart(4, '0')}-${g.sample}`, ...f.rel.split('/'));
          mkdir(path.dirname(target));
          fs.copyFileSync(f.abs, target);
          if (f.rel.endsWith('.py')) lines += f.lines;
        }
      }
    }
  }
  const recipe =
    `${copies} × the standard library of ${src.stdlib.root} (${src.stdlib.files.length} .py files, ${stdLines} lines; ` +
    `${gbk} files GBK-encoded with Chinese comments, ${links} symlinks) + ${r} × the golden inputs (${goldenLines} lines of Python)`;
  const info = describeTree(dir, recipe);
  fs.writeFileSync(manifest, JSON.stringify({ fingerprint: fp, info }, null, 2) + '\n');
  return info;
}
