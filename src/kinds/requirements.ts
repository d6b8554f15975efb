/**
 * Dependency files (issue 13 item 4): requirements*.txt (and the .txt files of
 * a requirements/ folder), setup.cfg (`install_requires`, `tests_require`,
 * `[options.extras_require]`) and pyproject.toml (`[project] dependencies`,
 * `[project.optional-dependencies]`). setup.py is Python: the analysis reads its
 * setup() call (src/analysis/python.ts); conda environments and Poetry tables
 * are analysed only.
 *
 * Where torch is pinned to one release (`torch==2.1.0`, `torch>=2.1,<2.2`,
 * `torch~=2.1.0`, `torch==2.1.*`) that has a torch_npu release, a comment line
 * goes right after it, indented like it:
 *
 *     torch==2.1.0
 *     # ascendify: on Ascend also install torch-npu==2.1.0.* (the torch_npu release for torch 2.1.0; see Ascend/pytorch)
 *
 * A comment is inert for pip, configparser (setup.cfg: a comment line inside a
 * multi-line value is skipped, the value goes on) and TOML (comments are allowed
 * between array values), so installs do not change: nothing is installed or
 * required by us. Where torch is not pinned, or pinned to a version without a
 * torch_npu release in the table, a manual record carries the table instead.
 * A file that already declares torch-npu, and a torch line already followed by
 * our comment, get nothing (a second run changes nothing). CUDA-only packages
 * keep their analysis findings (src/analysis/deps.ts).
 *
 * Records carry the pass id `inject-torch-npu` (the dependency side of making
 * torch_npu available: that pass adds `import torch_npu`), so --only / --skip
 * select them with it; rule id `inject-torch-npu/torch-npu-requirement`.
 */
import type { ChangeRecord, ManualRecord } from '../core/pipeline';
import { otherKinds } from '../analysis/analyze-file';
import { requirementName, stripHashComment } from '../analysis/deps';
import { normaliseDist } from '../analysis/facts/third-party';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import type { KindConverter } from './index';
import type { Edit } from '../core/edit';
import { decodeUtf8, eolOf, lineStarts, otherAnalysis, textResult } from './value-edits';

/**
 * torch versions with a torch_npu release; torch_npu's version starts with the
 * torch version it is built for (ascend-facts.md §3.10: torch 2.1.0 ↔ torch_npu
 * 2.1.0.postN, 2.6.0 ↔ 2.6.0[.postN], 2.7.1 ↔ 2.7.1[.postN]). The versions are
 * those the facts name as torch_npu branches (§0: PT v1.11.0, v2.0.1, v2.1.0,
 * v2.3.1, v2.6.0, v2.7.1) or as supported PyTorch versions of the Ascend tools
 * (§1.2 -v choices, 2025-02: 1.11.0, 2.1.0, 2.2.0, 2.3.1, 2.4.0, 2.5.1; current:
 * 2.1.0, 2.6.0, 2.7.1, 2.8.0; §2.6 MindStudio 830: 1.11.0 … 2.6.0). One per
 * minor series.
 */
export const TORCH_NPU_RELEASES: readonly string[] = ['1.11.0', '2.0.1', '2.1.0', '2.2.0', '2.3.1', '2.4.0', '2.5.1', '2.6.0', '2.7.1', '2.8.0'];

const PASS_ID = 'inject-torch-npu';
const RULE_ID = 'inject-torch-npu/torch-npu-requirement';
const COMMENT_RE = /^[ \t]*#\s*ascendify:.*torch-npu/;

export const TABLE_HINT =
  `torch_npu is released per torch version, its version starting with torch's (torch 2.1.0 ↔ torch-npu 2.1.0[.postN]): pin torch to a release that has one (${TORCH_NPU_RELEASES.join(', ')}), install its CPU build on Ascend, and add torch-npu==<that version>.*`;

type Version = number[];

function parseVersion(v: string): { release: Version; wildcard: boolean } | null {
  const s = v.trim().replace(/^\d+!/, '').replace(/\+.*$/, '');
  const wildcard = s.endsWith('.*');
  const m = /^\d+(\.\d+)*/.exec(wildcard ? s.slice(0, -2) : s);
  return m ? { release: m[0].split('.').map(Number), wildcard } : null;
}

function cmp(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function bump(v: Version): Version {
  return [...v.slice(0, -1), v[v.length - 1] + 1];
}

/**
 * The torch release a version specifier pins, as far as torch_npu goes: the
 * table's release when the specifier admits only versions of one minor series
 * (X.Y) and the table has an admitted release in it; otherwise why not.
 */
export function torchNpuFor(specifier: string): { version: string } | { problem: string } {
  const clauses = specifier.split(',').map((c) => c.trim()).filter(Boolean);
  if (clauses.length === 0) return { problem: 'torch is not pinned' };
  let lo: { v: Version; incl: boolean } | undefined;
  let hi: { v: Version; incl: boolean } | undefined;
  const not: Version[] = [];
  const raise = (v: Version, incl: boolean) => {
    if (!lo || cmp(v, lo.v) > 0 || (cmp(v, lo.v) === 0 && !incl)) lo = { v, incl };
  };
  const lower = (v: Version, incl: boolean) => {
    if (!hi || cmp(v, hi.v) < 0 || (cmp(v, hi.v) === 0 && !incl)) hi = { v, incl };
  };
  for (const c of clauses) {
    const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/.exec(c);
    const p = m ? parseVersion(m[2]) : null;
    if (!m || !p) return { problem: `cannot read the version specifier ${specifier}` };
    const v = p.release;
    switch (m[1]) {
      case '==':
      case '===':
        if (p.wildcard) {
          raise(v, true);
          lower(bump(v), false);
        } else {
          raise(v, true);
          lower(v, true);
        }
        break;
      case '~=':
        if (v.length < 2) return { problem: `cannot read the version specifier ${specifier}` };
        raise(v, true);
        lower(bump(v.slice(0, -1)), false);
        break;
      case '>=':
        raise(v, true);
        break;
      case '>':
        raise(v, false);
        break;
      case '<=':
        lower(v, true);
        break;
      case '<':
        lower(v, false);
        break;
      case '!=':
        if (!p.wildcard) not.push(v);
        break;
    }
  }
  if (!lo || !hi) return { problem: 'torch is not pinned to one release' };
  const next = [lo.v[0] ?? 0, (lo.v[1] ?? 0) + 1];
  const c = cmp(hi.v, next);
  if (c > 0 || (c === 0 && hi.incl)) return { problem: 'torch is not pinned to one release' };
  const admitted = TORCH_NPU_RELEASES.filter((r) => {
    const v = r.split('.').map(Number);
    const a = cmp(v, lo!.v);
    const b = cmp(v, hi!.v);
    return (a > 0 || (a === 0 && lo!.incl)) && (b < 0 || (b === 0 && hi!.incl)) && !not.some((n) => cmp(n, v) === 0);
  });
  if (admitted.length !== 1) return { problem: `no torch_npu release for torch ${specifier} in ascendify's table` };
  return { version: admitted[0] };
}

/** The version specifier of a `torch` requirement (extras, markers, options and comments cut), or null for a direct reference. */
export function torchSpecifier(requirement: string): string | null {
  const s = requirement.replace(/(^|\s)#.*$/, '').trim();
  const m = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*(.*)$/.exec(s);
  if (!m) return null;
  let rest = m[2].split(';')[0];
  if (rest.trim().startsWith('@')) return null;
  rest = rest.replace(/\s--?[A-Za-z].*$/, '');
  return rest.replace(/^\((.*)\)$/, '$1').trim();
}

/** A torch requirement in a file: its text, and where the comment line would go. */
interface TorchDecl {
  requirement: string;
  /** The last line of the declaration (1-based) and the offset of its end (before the line ending). */
  line: number;
  lineEnd: number;
  indent: string;
}

function isTorch(spec: string): boolean {
  const name = requirementName(spec);
  return name !== null && normaliseDist(name) === 'torch';
}

function isTorchNpu(spec: string): boolean {
  const name = requirementName(spec);
  return name !== null && normaliseDist(name) === 'torch-npu';
}

interface Line {
  no: number;
  start: number;
  end: number;
  text: string;
}

function linesOf(text: string): Line[] {
  const starts = lineStarts(text);
  return starts.map((start, i) => {
    let end = i + 1 < starts.length ? starts[i + 1] : text.length;
    while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    return { no: i + 1, start, end, text: text.slice(start, end) };
  });
}

type DepsFormat = 'requirements' | 'setup-cfg' | 'pyproject';

/** Every requirement of the file (torch and the rest): what it says and its last line. */
function declarations(lines: Line[], format: DepsFormat): TorchDecl[] {
  const out: TorchDecl[] = [];
  const indentOf = (l: Line) => /^[ \t]*/.exec(l.text)![0];
  if (format === 'requirements') {
    for (let i = 0; i < lines.length; i++) {
      const first = lines[i];
      let logical = stripHashComment(first.text);
      while (/\\\s*$/.test(logical) && i + 1 < lines.length) logical = logical.replace(/\\\s*$/, ' ') + stripHashComment(lines[++i].text);
      if (requirementName(logical)) out.push({ requirement: logical.trim(), line: lines[i].no, lineEnd: lines[i].end, indent: indentOf(first) });
    }
    return out;
  }
  if (format === 'setup-cfg') {
    let section = '';
    let inList = false;
    for (const l of lines) {
      if (/^\s*[#;]/.test(l.text)) continue;
      const sec = /^\s*\[([^\]]+)\]/.exec(l.text);
      if (sec) {
        section = sec[1].trim();
        inList = false;
        continue;
      }
      const kv = /^(\S[^=:]*?)\s*[=:]\s*(.*)$/.exec(l.text);
      if (kv && !/^\s/.test(l.text)) {
        const key = kv[1].trim();
        // install-time lists; setup_requires is build time: torch_npu is not needed to build
        inList = (section === 'options' && /^(install_requires|tests_require)$/.test(key)) || section === 'options.extras_require';
        if (inList && requirementName(kv[2])) out.push({ requirement: kv[2].trim(), line: l.no, lineEnd: l.end, indent: '' });
        continue;
      }
      if (inList && /^\s+\S/.test(l.text)) {
        if (requirementName(l.text)) out.push({ requirement: l.text.trim(), line: l.no, lineEnd: l.end, indent: indentOf(l) });
      } else if (l.text.trim() !== '') inList = false;
    }
    return out;
  }
  // pyproject.toml: strings of the dependency arrays of [project] (not [build-system]: build time)
  let section = '';
  let inArray = false;
  for (const l of lines) {
    const code = stripHashComment(l.text);
    const sec = /^\s*\[\[?([^\]]+)\]\]?\s*$/.exec(code);
    if (sec) {
      section = sec[1].trim();
      inArray = false;
      continue;
    }
    let arrayText: string | null = null;
    const kv = /^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(code);
    if (!inArray && kv) {
      const key = kv[1].replace(/^["']|["']$/g, '');
      const deps = (section === 'project' && key === 'dependencies') || section === 'project.optional-dependencies';
      if (deps && kv[2].trim().startsWith('[')) {
        inArray = true;
        arrayText = kv[2].trim().slice(1);
      }
    } else if (inArray) arrayText = code;
    if (arrayText === null) continue;
    for (const m of arrayText.matchAll(/"([^"]*)"|'([^']*)'/g)) {
      const spec = m[1] ?? m[2];
      if (requirementName(spec)) out.push({ requirement: spec, line: l.no, lineEnd: l.end, indent: /^[ \t]*/.exec(l.text)![0] });
    }
    if (/\]/.test(arrayText.replace(/"[^"]*"|'[^']*'/g, ''))) inArray = false;
  }
  return out;
}

function depsFormat(rel: string): DepsFormat | undefined {
  const kinds = otherKinds(rel);
  if (kinds.includes('requirements')) return 'requirements';
  if (kinds.includes('setup-cfg')) return 'setup-cfg';
  if (kinds.includes('pyproject')) return 'pyproject';
  return undefined;
}

/** The edits and records for one dependency file's text. */
export function convertRequirementsText(text: string, format: DepsFormat, passIds: readonly string[]): { edits: Edit[]; changes: ChangeRecord[]; manual: ManualRecord[] } {
  const edits: Edit[] = [];
  const changes: ChangeRecord[] = [];
  const manual: ManualRecord[] = [];
  if (!passIds.includes(PASS_ID) || !/torch/i.test(text)) return { edits, changes, manual };
  const lines = linesOf(text);
  const decls = declarations(lines, format);
  if (decls.some((d) => isTorchNpu(d.requirement))) return { edits, changes, manual };
  const eol = eolOf(text);
  const done = new Set<number>();
  for (const d of decls) {
    if (!isTorch(d.requirement) || done.has(d.line)) continue;
    done.add(d.line);
    const next = lines[d.line]; // the line after the declaration
    if (next && COMMENT_RE.test(next.text)) continue;
    const spec = torchSpecifier(d.requirement);
    const found = spec === null ? { problem: 'torch is installed from a direct reference' } : torchNpuFor(spec);
    if ('problem' in found) {
      manual.push({ startLine: d.line, endLine: d.line, passId: PASS_ID, ruleId: RULE_ID, level: 'manual', message: `${d.requirement}: ${found.problem}; no torch-npu hint added`, hint: TABLE_HINT });
      continue;
    }
    const comment = `# ascendify: on Ascend also install torch-npu==${found.version}.* (the torch_npu release for torch ${found.version}; see Ascend/pytorch)`;
    edits.push({ start: d.lineEnd, end: d.lineEnd, content: `${eol}${d.indent}${comment}` });
    changes.push({ startLine: d.line, endLine: d.line, operation: 'INSERT', message: comment, passId: PASS_ID, ruleId: RULE_ID, safety: 'safe' });
  }
  return { edits, changes, manual };
}

export function convertRequirements(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
  const analysis = otherAnalysis(rel, bytes, opts, () => false);
  const decoded = decodeUtf8(bytes);
  if (!decoded) return textResult(rel, { text: '', bom: false }, [], { changes: [], manual: [] }, analysis);
  const r = convertRequirementsText(decoded.text, depsFormat(rel)!, opts.passIds);
  return textResult(rel, decoded, r.edits, r, analysis);
}

export const requirementsKind: KindConverter = {
  id: 'requirements',
  readsProjectIndex: false,
  matches: (rel) => depsFormat(rel) !== undefined,
  convert: convertRequirements,
};
