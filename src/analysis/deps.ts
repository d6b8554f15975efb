/**
 * Dependency declarations: requirements*.txt, setup.cfg, pyproject.toml and conda
 * environment files (setup.py is Python: src/analysis/python.ts reads its setup()
 * call). Each declaration of a package in the third-party table, and each CUDA
 * build of PyTorch, is a finding on its line. Comments are never read.
 */
import { CONDA_CUDA_PACKAGES, TORCH_CUDA_BUILD, normaliseDist, packageForDist } from './facts/third-party';
import type { AnalysisFinding } from './types';

type Partial = Omit<AnalysisFinding, 'startLine' | 'endLine'>;

const TORCH_DISTS = new Set(['torch', 'torchvision', 'torchaudio']);
const CUDA_WHEEL_INDEX = /download\.pytorch\.org\/whl\/(nightly\/)?cu\d+/;

/** The distribution name of one requirement specifier (PEP 508), or null. */
export function requirementName(spec: string): string | null {
  const s = spec.trim();
  if (s === '' || s.startsWith('#')) return null;
  const egg = /#egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s);
  if (/^(-e|--editable)\b/.test(s) || /^[a-z+]+:\/\//i.test(s)) return egg ? egg[1] : null;
  if (s.startsWith('-')) return null;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s);
  return m ? m[1] : null;
}

/** Findings for one requirement specifier (or one pip option line); `where` names the file kind. */
export function requirementFindings(spec: string, where: string): Partial[] {
  const s = spec.trim();
  if (/^(--(extra-)?index-url|-i|--find-links|-f)\b/.test(s)) {
    if (!CUDA_WHEEL_INDEX.test(s)) return [];
    return [torchCudaBuild(`CUDA wheel index for torch (${where})`)];
  }
  const name = requirementName(s);
  if (!name) return [];
  const dist = normaliseDist(name);
  if (TORCH_DISTS.has(dist)) {
    return /\+cu\d+/.test(s) || CUDA_WHEEL_INDEX.test(s) ? [torchCudaBuild(`${oneLine(s)}: CUDA build of ${name} (${where})`)] : [];
  }
  const pkg = packageForDist(dist);
  if (!pkg) return [];
  return [
    {
      ruleId: 'third-party/requirement',
      subject: pkg.name,
      message: `requires ${oneLine(s)} (${where})`,
      hint: pkg.hint,
      level: pkg.level,
    },
  ];
}

function torchCudaBuild(message: string): Partial {
  return { ruleId: 'third-party/requirement', subject: TORCH_CUDA_BUILD.name, message, hint: TORCH_CUDA_BUILD.hint, level: TORCH_CUDA_BUILD.level };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Lines of a text with their 1-based numbers (any line ending). */
function numberedLines(text: string): { no: number; text: string }[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ no: i + 1, text: t }));
}

function at(no: number, f: Partial): AnalysisFinding {
  return { startLine: no, endLine: no, ...f };
}

/** pip requirements files: one specifier per line, `\` continuations, ` #` comments. */
export function analyzeRequirements(text: string): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  const lines = numberedLines(text);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].no;
    let logical = stripHashComment(lines[i].text);
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      logical = logical.replace(/\\\s*$/, ' ') + stripHashComment(lines[++i].text);
    }
    for (const f of requirementFindings(logical, 'requirements')) out.push({ startLine: first, endLine: lines[i].no, ...f });
  }
  return out;
}

/** `#` at the start of a line or after whitespace starts a comment (pip, TOML outside strings, YAML; also src/kinds/requirements.ts). */
export function stripHashComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** setup.cfg: install_requires / setup_requires / tests_require in [options], every key of [options.extras_require]. */
export function analyzeSetupCfg(text: string): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  let section = '';
  let inList = false;
  for (const { no, text: raw } of numberedLines(text)) {
    if (/^\s*[#;]/.test(raw)) continue;
    const sec = /^\s*\[([^\]]+)\]/.exec(raw);
    if (sec) {
      section = sec[1].trim();
      inList = false;
      continue;
    }
    const kv = /^(\S[^=:]*?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && !/^\s/.test(raw)) {
      const key = kv[1].trim();
      inList =
        (section === 'options' && /^(install_requires|setup_requires|tests_require)$/.test(key)) || section === 'options.extras_require';
      if (inList) for (const f of requirementFindings(kv[2], 'setup.cfg')) out.push(at(no, f));
      continue;
    }
    if (inList && /^\s+\S/.test(raw)) for (const f of requirementFindings(raw, 'setup.cfg')) out.push(at(no, f));
    else if (raw.trim() !== '') inList = false;
  }
  return out;
}

/**
 * pyproject.toml: the strings of `dependencies` / `optional-dependencies` arrays in
 * [project] (and [build-system] requires), and the keys of Poetry's dependency tables.
 */
export function analyzePyproject(text: string): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  let section = '';
  let inArray = false;
  for (const { no, text: raw } of numberedLines(text)) {
    const line = stripHashComment(raw);
    const sec = /^\s*\[\[?([^\]]+)\]\]?\s*$/.exec(line);
    if (sec) {
      section = sec[1].trim();
      inArray = false;
      continue;
    }
    const kv = /^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    let arrayText: string | null = null;
    if (!inArray && kv) {
      const key = kv[1].replace(/^["']|["']$/g, '');
      const value = kv[2];
      const depsArray =
        (section === 'project' && key === 'dependencies') ||
        section === 'project.optional-dependencies' ||
        (section === 'build-system' && key === 'requires');
      if (/^tool\.poetry(\.group\.[^.]+)?\.(dev-)?dependencies$/.test(section)) {
        for (const f of requirementFindings(key, 'pyproject.toml')) out.push(at(no, f));
        continue;
      }
      if (depsArray && value.trim().startsWith('[')) {
        inArray = true;
        arrayText = value.trim().slice(1);
      }
    } else if (inArray) {
      arrayText = line;
    }
    if (arrayText === null) continue;
    for (const m of arrayText.matchAll(/"([^"]*)"|'([^']*)'/g)) {
      for (const f of requirementFindings(m[1] ?? m[2], 'pyproject.toml')) out.push(at(no, f));
    }
    if (/\]/.test(arrayText.replace(/"[^"]*"|'[^']*'/g, ''))) inArray = false;
  }
  return out;
}

/** Conda environment files: `dependencies:` entries (conda specs) and their `- pip:` list. */
export function analyzeCondaEnv(text: string): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  let inDeps = false;
  let pipIndent = -1;
  for (const { no, text: raw } of numberedLines(text)) {
    const line = stripHashComment(raw);
    if (line.trim() === '') continue;
    const indent = /^\s*/.exec(line)![0].length;
    if (indent === 0) {
      inDeps = /^dependencies\s*:/.test(line);
      pipIndent = -1;
      continue;
    }
    if (!inDeps) continue;
    const item = /^(\s*)-\s*(.*)$/.exec(line);
    if (!item) continue;
    const itemIndent = item[1].length;
    const value = item[2].trim().replace(/^["']|["']$/g, '');
    if (pipIndent >= 0 && itemIndent > pipIndent) {
      for (const f of requirementFindings(value, 'environment.yml pip')) out.push(at(no, f));
      continue;
    }
    pipIndent = -1;
    if (/^pip\s*:/.test(value)) {
      pipIndent = itemIndent;
      continue;
    }
    // conda spec: [channel::]name[=version[=build]] or name>=x
    const name = /^(?:[\w.-]+::)?([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(value)?.[1];
    if (!name) continue;
    const dist = normaliseDist(name);
    if (CONDA_CUDA_PACKAGES.has(dist)) {
      out.push(at(no, torchCudaBuild(`${value}: CUDA toolkit for PyTorch (environment.yml)`)));
      continue;
    }
    if (dist === 'pytorch' && /cuda/.test(value)) {
      out.push(at(no, torchCudaBuild(`${value}: CUDA build of PyTorch (environment.yml)`)));
      continue;
    }
    for (const f of requirementFindings(name, 'environment.yml')) out.push(at(no, { ...f, message: `requires ${value} (environment.yml)` }));
  }
  return out;
}

