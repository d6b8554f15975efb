/**
 * Jupyter notebooks (`.ipynb`, nbformat 4): the code cells are converted by
 * the same engine and passes as a `.py` file; everything else in the file
 * (outputs, metadata, execution counts, markdown, formatting) stays byte for
 * byte as it was. Issue 13, item 1; docs/kinds.md.
 *
 * One engine run per notebook, on a virtual module: the code cells in order,
 * each followed by a blank line (SEP), with IPython syntax made neutral
 * (ipython.ts: same length, so offsets map back). A notebook runs its cells
 * top to bottom in one namespace, so one module gives the passes the bindings
 * the code has (`import torch as th` in cell 1 binds `th` in cell 5), and the
 * importer sees every cell's imports: `import torch_npu` is added once, after
 * the first torch import (so in that cell), never again in a later cell or on
 * a second run. (Per-cell runs with a preamble of the earlier cells' imports
 * would need the importer to skip the preamble and would add the import to
 * every cell that uses an NPU API.)
 *
 * Cells are kept apart: a cell is converted only if it parses alone and its
 * first line is not indented, so no statement, bracket or string runs from
 * one cell into the next, and every edit lands in one cell. An insertion in the
 * blank line after a cell (the importer's "line after `import torch`" when that
 * is the cell's last line) is appended to that cell. Anything else (an edit
 * across cells, in a magic line, in a cell that is not converted) is a bug: the
 * notebook fails and is copied unchanged.
 *
 * A cell that does not parse (or a cell magic such as `%%bash`) is left as it
 * is and reported; the other cells are still converted (a notebook often holds
 * a scratch cell; failing the whole notebook for it would convert nothing).
 * What such a cell binds is not seen by later cells, so they may be converted
 * less, never wrongly.
 *
 * Shell code (`!cmd`, `x = !cmd`, `%sx`, `%system`, `%%bash` / `%%sh` /
 * `%%script bash` bodies) is converted by the launch-script rules of shell.ts at
 * its offsets in the cell (ipython.ts finds it); `%env NAME=value` renames only
 * the name. A `!` line IPython expands (`$name`, `{expr}`) is reported, not
 * rewritten; what the shell analysis still flags is a `notebook/shell-magic`
 * record. docs/kinds.md, Notebooks.
 *
 * Records and analysis findings are on lines of the .ipynb file (the line of
 * the JSON string that holds the code line), so change_list.csv and
 * changes.patch agree; each message starts with `cell N, line L: ` (N counts
 * all cells from 1, markdown too, as the notebook shows them; L is the line in
 * the cell, from 1).
 */
import { convertSource, SourceSyntaxError, acceptedRegions, type ChangeRecord, type ManualRecord } from '../core/pipeline';
import type { ChangedRegion } from '../core/apply';
import { unifiedDiff } from '../core/diff';
import { parse } from '../python/parser';
import { LineIndex } from '../python/source';
import { activePasses, passOptionsOf } from '../runner/passes';
import { analyzePython } from '../analysis/python';
import { analyzeConfig } from '../analysis/scripts';
import type { AnalysisFinding, FileAnalysis } from '../analysis/types';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import type { KindConverter } from './index';
import { encodeJsonString, JsonSyntaxError, member, scanJson, stringStyle, type JsonStringStyle, type JsonValue } from './json-text';
import { neutralizeCell, type NeutralCell } from './ipython';
import { envNameFindings, scriptContext, shellTextFindings, type ScriptContext, type ScriptFinding } from './shell';

/** What follows each cell in the virtual module: ends the cell's last line, then a blank line. */
const SEP = '\n\n';

export const NOTEBOOK_PASS_ID = 'notebook';
export const SHELL_MAGIC_RULE = 'notebook/shell-magic';
export const UNCONVERTED_CELL_RULE = 'notebook/unconverted-cell';

/**
 * IPython substitutes `$name` and `{expr}` in a `!` line (and `%sx`, `%system`)
 * from the Python namespace before the shell sees it (InteractiveShell.var_expand;
 * `$$` is a plain `$`). The shell text of such a line depends on the kernel's
 * variables, so nothing in it is rewritten: what the launch-script rules would
 * change there is reported instead.
 */
const IPYTHON_EXPANSION = /(?<!\$)\$[A-Za-z_{]|\{[^{}]*\}/;

type JsonString = JsonValue & { kind: 'string' };

export interface CodeCell {
  /** 0-based among all cells. */
  index: number;
  source: JsonValue;
  /** The source's strings, with their offsets in `text`. */
  pieces: { node: JsonString; at: number }[];
  text: string;
  neutral: NeutralCell;
  /** Converted: parses alone, not a cell magic. */
  live: boolean;
  /** Offset of the cell in the virtual module. */
  vStart: number;
  lines: LineIndex;
}

class NotebookError extends Error {}

export const notebookKind: KindConverter = {
  id: 'notebook',
  readsProjectIndex: false, // its cells are converted as one module of their own
  matches: (rel) => rel.toLowerCase().endsWith('.ipynb'),
  convert: convertNotebook,
};

function result(rel: string, status: FileResult['status'], extra: Partial<FileResult> = {}): FileResult {
  return { rel, status, diff: '', changes: [], manual: [], notes: [], supportFiles: [], parsed: false, ...extra };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function convertNotebook(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return result(rel, 'failed', { reason: 'notebook is not valid UTF-8; copied unchanged' });
  }
  let root: JsonValue;
  try {
    root = scanJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const line = new LineIndex(text).lineOf(e.offset);
    return result(rel, 'failed', { reason: `notebook is not valid JSON (line ${line}: ${e.message}); copied unchanged` });
  }
  const cells = notebookCells(root);
  if (typeof cells === 'string') return result(rel, 'failed', { reason: `${cells}; copied unchanged` });
  const language = notebookLanguage(root);
  if (language && language.toLowerCase() !== 'python') {
    return result(rel, 'skipped', { reason: `a ${language} notebook, not Python; copied unchanged` });
  }
  try {
    return convertCells(rel, text, cells, opts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return result(rel, 'failed', { reason: `internal error: ${msg}; copied unchanged (please report this file)`, parsed: true });
  }
}

/** The cells, or why the file is not an nbformat 4 notebook. */
function notebookCells(root: JsonValue): { index: number; source: JsonValue }[] | string {
  if (root.kind !== 'object') return 'not a notebook (the JSON is not an object)';
  const version = member(root, 'nbformat');
  if (!version || version.kind !== 'number') return 'not a notebook (no nbformat version)';
  if (version.raw !== '4') return `an nbformat ${version.raw} notebook: only nbformat 4 is converted`;
  const cells = member(root, 'cells');
  if (!cells || cells.kind !== 'array') return 'not a notebook (no cells list)';
  const out: { index: number; source: JsonValue }[] = [];
  for (let i = 0; i < cells.items.length; i++) {
    const cell = cells.items[i];
    const type = member(cell, 'cell_type');
    if (cell.kind !== 'object' || !type || type.kind !== 'string') return `cell ${i + 1} is not a cell (no cell_type)`;
    if (type.value !== 'code') continue;
    const source = member(cell, 'source');
    const ok = source && (source.kind === 'string' || (source.kind === 'array' && source.items.every((s) => s.kind === 'string')));
    if (!ok) return `cell ${i + 1}: its source is not a string or a list of strings`;
    out.push({ index: i, source: source! });
  }
  return out;
}

function notebookLanguage(root: JsonValue): string | undefined {
  const meta = member(root, 'metadata');
  if (!meta) return undefined;
  for (const [key, field] of [['kernelspec', 'language'], ['language_info', 'name']] as const) {
    const holder = member(meta, key);
    const v = holder && member(holder, field);
    if (v?.kind === 'string' && v.value !== '') return v.value;
  }
  return undefined;
}

function convertCells(rel: string, text: string, found: { index: number; source: JsonValue }[], opts: EngineOptions): FileResult {
  const fileLines = new LineIndex(text);
  const manual: ManualRecord[] = [];
  const cells: CodeCell[] = [];
  let virtual = '';
  for (const f of found) {
    const strings = f.source.kind === 'array' ? (f.source.items as JsonString[]) : [f.source as JsonString];
    const pieces: CodeCell['pieces'] = [];
    let cellText = '';
    for (const node of strings) {
      pieces.push({ node, at: cellText.length });
      cellText += node.value;
    }
    const neutral = neutralizeCell(cellText);
    const cell: CodeCell = { index: f.index, source: f.source, pieces, text: cellText, neutral, live: true, vStart: virtual.length, lines: new LineIndex(cellText) };
    const why = neutral.cellMagic !== undefined ? undefined : unconvertible(neutral.text);
    if (neutral.cellMagic !== undefined || why) cell.live = false;
    if (why) {
      const span = sourceLines(cell, fileLines);
      manual.push({
        ...span,
        passId: NOTEBOOK_PASS_ID,
        ruleId: UNCONVERTED_CELL_RULE,
        level: 'manual',
        message: `cell ${cell.index + 1}: not converted: ${why}`,
        hint: 'IPython may run it, but the engine cannot read it as Python; the other cells were converted. Convert any CUDA use in it by hand',
      });
    } else if (neutral.cellMagic === 'writefile' || neutral.cellMagic === 'file') {
      if (/cuda|nccl/i.test(cellText)) {
        manual.push({
          ...sourceLines(cell, fileLines),
          passId: NOTEBOOK_PASS_ID,
          ruleId: UNCONVERTED_CELL_RULE,
          level: 'manual',
          message: `cell ${cell.index + 1}: not converted: a %%${neutral.cellMagic} cell (the file it writes mentions CUDA)`,
          hint: 'convert the file it writes by hand, or convert the written file with ascendify',
        });
      }
    }
    cells.push(cell);
    virtual += (cell.live ? neutral.text : blankText(cellText)) + SEP;
  }
  const vLines = new LineIndex(virtual);
  const locate = (vline: number) => locateLine(cells, vLines, fileLines, vline);
  const mapRecord = <T extends { startLine: number; endLine: number; message: string }>(r: T): T => {
    const s = locate(r.startLine);
    const e = locate(r.endLine);
    return { ...r, startLine: s.line, endLine: Math.max(s.line, e.line), message: `${s.where}: ${r.message}` };
  };

  // shell code (`!` lines, `%%bash` bodies, `%env`): the launch-script rules of shell.ts
  const ctx: ScriptContext = scriptContext(rel, opts);
  const shell = shellCellEdits(cells, ctx, vLines);
  const changes: ChangeRecord[] = [];
  for (const { cell, f, expands } of shell.findings) {
    const startLine = vLines.lineOf(cell.vStart + f.start);
    const endLine = vLines.lineOf(cell.vStart + Math.max(f.start, f.end - 1));
    if (f.edit && !expands) {
      changes.push(mapRecord({ startLine, endLine, operation: 'MODIFY', message: f.message, passId: f.passId, ruleId: f.ruleId, safety: 'safe' }));
    } else if (f.edit) {
      manual.push(
        mapRecord({
          startLine,
          endLine,
          passId: f.passId,
          ruleId: f.ruleId,
          level: 'manual',
          message: `${f.message}: not rewritten (IPython substitutes $name / {expr} in this line from Python variables first)`,
          hint: 'if the name is the shell\'s (not a Python variable), make this change by hand',
        }),
      );
    } else {
      manual.push(mapRecord({ startLine, endLine, passId: f.passId, ruleId: f.ruleId, level: 'manual', message: f.message, ...(f.hint ? { hint: f.hint } : {}) }));
    }
  }

  // what the shell analysis flags and the rules above do not handle is reported, never rewritten
  const shellLines: string[] = new Array(vLines.lineCount).fill('');
  for (const c of cells) {
    const first = vLines.lineOf(c.vStart) - 1;
    c.neutral.shell.forEach((cmd, k) => {
      if (cmd !== '') shellLines[first + k] = cmd;
    });
  }
  for (const f of analyzeConfig(shellLines.join('\n'), 'shell')) {
    if (shell.covered.some((c) => c.ruleId === f.ruleId && (c.subject === undefined || c.subject === f.subject) && c.startLine <= f.endLine && f.startLine <= c.endLine)) continue;
    manual.push(
      mapRecord({
        startLine: f.startLine,
        endLine: f.endLine,
        passId: NOTEBOOK_PASS_ID,
        ruleId: SHELL_MAGIC_RULE,
        level: 'manual',
        message: `shell command not converted: ${f.message}`,
        hint: `this notebook shell line was not converted: ${f.hint}${f.equivalent ? ` (Ascend: ${f.equivalent})` : ''}`,
      }),
    );
  }

  let analysis: FileAnalysis | undefined;
  const notes: FileResult['notes'] = [];
  if (opts.analysis !== false) {
    try {
      const a = analyzePython(virtual);
      analysis = { ...a, findings: a.findings.map((f: AnalysisFinding) => mapRecord(f)) };
    } catch (e) {
      notes.push({ level: 'error', message: `analysis: internal error: ${e instanceof Error ? e.message : String(e)} (please report this file)` });
    }
  }
  const withAnalysis = (r: FileResult): FileResult => ({ ...r, ...(analysis ? { analysis } : {}), notes: [...r.notes, ...notes] });

  let r;
  try {
    r = convertSource(virtual, {
      passes: activePasses(opts),
      unsafe: opts.unsafe,
      passOptions: passOptionsOf(opts), // the project config's [mappings] too
      path: rel,
    });
  } catch (e) {
    if (!(e instanceof SourceSyntaxError)) throw e;
    const at = e.line ? ` (${locate(e.line).where})` : '';
    return withAnalysis(result(rel, 'failed', { reason: `the code cells do not parse together${at}; copied unchanged`, parsed: true, manual: sortRecords(manual) }));
  }
  for (const c of r.changes) changes.push(mapRecord(c)); // not push(...): a spread of 100k+ records overflows the stack
  for (const m of r.manual) manual.push(mapRecord(m));
  const base = {
    changes: sortRecords(changes),
    manual: sortRecords(manual),
    notes: [...r.notes],
    supportFiles: r.supportFiles,
    parsed: true,
    ...(r.entry ? { entry: true } : {}),
  };
  const edits = r.changed ? cellEdits(cells, r.output, r.regions) : new Map<CodeCell, CellEdit[]>();
  for (const [cell, list] of shell.edits) edits.set(cell, [...(edits.get(cell) ?? []), ...list].sort((a, b) => a.start - b.start || a.end - b.end));
  if (edits.size === 0) return withAnalysis(result(rel, 'unchanged', base));

  const style = stringStyle(text);
  const replacements: ({ start: number; end: number } & Encoded)[] = [];
  for (const [cell, list] of edits) {
    const next = applyCellEdits(cell.text, list);
    if (next === cell.text) continue;
    replacements.push({ start: cell.source.start, end: cell.source.end, ...encodeSource(cell, list, next, text, style) });
  }
  if (replacements.length === 0) return withAnalysis(result(rel, 'unchanged', base));
  let out = '';
  let last = 0;
  const regions: ChangedRegion[] = [];
  for (const rep of replacements.sort((a, b) => a.start - b.start)) {
    out += text.slice(last, rep.start);
    const base = out.length;
    out += rep.content;
    // one region per stretch between the strings kept as they were, so the patch shows only changed lines
    let o = rep.start;
    let n = 0;
    for (const k of [...rep.kept, { old: rep.end, at: rep.content.length, length: 0 }]) {
      const old = text.slice(o, k.old);
      const now = rep.content.slice(n, k.at);
      if (old !== now) {
        let p = 0;
        while (p < old.length && p < now.length && old[p] === now[p]) p++;
        let q = 0;
        while (q < old.length - p && q < now.length - p && old[old.length - 1 - q] === now[now.length - 1 - q]) q++;
        regions.push({ os: o + p, oe: k.old - q, ns: base + n + p, ne: base + k.at - q });
      }
      o = k.old + k.length;
      n = k.at + k.length;
    }
    last = rep.end;
  }
  out += text.slice(last);
  checkSameJsonOutsideSources(out);
  return withAnalysis(result(rel, 'changed', { ...base, output: Buffer.from(out, 'utf8'), diff: unifiedDiff(rel, text, out, { regions }) }));
}

/**
 * The launch-script findings of every cell's shell code (offsets in the cell's
 * text), the edits to make (none on a line IPython expands first), and what
 * they cover of the shell analysis (on lines of the virtual module).
 */
function shellCellEdits(cells: CodeCell[], ctx: ScriptContext, vLines: LineIndex) {
  const findings: { cell: CodeCell; f: ScriptFinding; expands: boolean }[] = [];
  const edits = new Map<CodeCell, CellEdit[]>();
  const covered: { ruleId: string; subject?: string; startLine: number; endLine: number }[] = [];
  for (const cell of cells) {
    // a Python cell that does not parse: where its `!` lines are is not sure (reported by the analysis below)
    if (!cell.live && cell.neutral.cellMagic === undefined) continue;
    const list: CellEdit[] = [];
    for (const span of cell.neutral.commands) {
      let found: ScriptFinding[];
      let expands = false;
      if (span.kind === 'env') {
        // `%env NAME=value` is not shell syntax: only the name is renamed; a value IPython expands is not known
        found = envNameFindings(span.start, span.end, span.name, IPYTHON_EXPANSION.test(span.value) ? null : span.value, ctx);
      } else {
        found = shellTextFindings(cell.text, ctx, span.start, span.end, span.captured).findings;
        expands = span.expands && IPYTHON_EXPANSION.test(cell.text.slice(span.start, span.end));
      }
      for (const f of found) {
        covered.push({ ...f.covers, startLine: vLines.lineOf(cell.vStart + f.start), endLine: vLines.lineOf(cell.vStart + Math.max(f.start, f.end - 1)) });
        if (f.edit && !expands) {
          if (list.length > 0 && list[list.length - 1].end > f.edit.start) continue; // one edit per span
          list.push({ start: f.edit.start, end: f.edit.end, content: f.edit.content });
        }
        findings.push({ cell, f, expands });
      }
    }
    if (list.length > 0) edits.set(cell, list);
  }
  return { findings, edits, covered };
}

/** Why a cell's (neutralized) text is not converted, or undefined when it is. */
function unconvertible(neutral: string): string | undefined {
  const firstCode = /^[ \t\f]*(?=[^\s#])/m.exec(neutral);
  if (firstCode && firstCode[0] !== '') return 'its first line of code is indented';
  try {
    acceptedRegions(neutral, parse(neutral));
  } catch (e) {
    if (e instanceof SourceSyntaxError) return `syntax error${e.line ? ` at line ${e.line} of the cell` : ''}`;
    throw e;
  }
  return undefined;
}

function blankText(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/** The .ipynb lines of a cell's source value. */
function sourceLines(cell: CodeCell, fileLines: LineIndex): { startLine: number; endLine: number } {
  return { startLine: fileLines.lineOf(cell.source.start), endLine: fileLines.lineOf(Math.max(cell.source.start, cell.source.end - 1)) };
}

/** A line of the virtual module → the .ipynb line and `cell N, line L`. */
function locateLine(cells: CodeCell[], vLines: LineIndex, fileLines: LineIndex, vline: number): { line: number; where: string } {
  const offset = vLines.lineStart(vline);
  let k = 0;
  while (k + 1 < cells.length && cells[k + 1].vStart <= offset) k++;
  const cell = cells[k];
  let at = offset - cell.vStart;
  if (at >= cell.text.length) at = Math.max(0, cell.text.length - 1); // the blank line after the cell: its last line
  let piece = cell.pieces[0];
  for (const p of cell.pieces) if (p.at <= at && (p.node.value.length > 0 || p.at < at)) piece = p;
  const line = fileLines.lineOf((piece?.node ?? cell.source).start);
  return { line, where: `cell ${cell.index + 1}, line ${cell.lines.lineOf(at)}` };
}

function sortRecords<T extends { startLine: number; endLine: number }>(records: T[]): T[] {
  return records.sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
}

export interface CellEdit {
  start: number;
  end: number;
  content: string;
}

/**
 * The engine's changed regions, as edits of each cell's own text. An insertion
 * in the blank line after a cell (the line after its last line) is appended to
 * the cell as a new last line; anything that is not inside one converted cell,
 * or that touches a neutralized magic, throws.
 */
export function cellEdits(cells: CodeCell[], output: string, regions: readonly ChangedRegion[]): Map<CodeCell, CellEdit[]> {
  const out = new Map<CodeCell, CellEdit[]>();
  for (const g of regions) {
    const content = output.slice(g.ns, g.ne);
    let cell: CodeCell | undefined;
    let edit: CellEdit | undefined;
    for (const c of cells) {
      const end = c.vStart + c.text.length;
      if (c.vStart <= g.os && g.oe <= end) {
        cell = c;
        edit = { start: g.os - c.vStart, end: g.oe - c.vStart, content };
        break;
      }
      if (c.vStart <= g.os && g.os <= end && g.oe === end + 1) {
        // an edit through the line break that ends the cell's last line (a deleted last line): that break is not the cell's
        cell = c;
        edit = { start: g.os - c.vStart, end: c.text.length, content: content.replace(/\n$/, '') };
        break;
      }
      if (g.os === g.oe && g.os === end + 1) {
        // after the line break that ends the cell's last line: a line of its own at the cell's end
        cell = c;
        const eol = /\r\n/.test(c.text) ? '\r\n' : '\n';
        const ended = c.text === '' || /[\r\n]$/.test(c.text);
        edit = { start: c.text.length, end: c.text.length, content: (ended ? '' : eol) + content.replace(/(\r\n|\r|\n)$/, '') };
        break;
      }
    }
    if (!cell || !edit) throw new NotebookError(`an edit at offset ${g.os} of the code is not inside one cell`);
    if (!cell.live) throw new NotebookError(`an edit landed in cell ${cell.index + 1}, which is not converted`);
    const e = edit;
    if (cell.neutral.magics.some((m) => (e.end > m.start && e.start < m.end) || (e.start === e.end && m.start < e.start && e.start < m.end))) {
      throw new NotebookError(`an edit landed in an IPython line of cell ${cell.index + 1}`);
    }
    const list = out.get(cell) ?? [];
    list.push(edit);
    out.set(cell, list);
  }
  return out;
}

function applyCellEdits(text: string, edits: readonly CellEdit[]): string {
  let out = '';
  let last = 0;
  for (const e of edits) {
    out += text.slice(last, e.start) + e.content;
    last = e.end;
  }
  return out + text.slice(last);
}

/** The lines of a text, each with its '\n' (the last one without, if the text does not end with one). */
function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Encoded {
  content: string;
  /** Strings kept byte for byte: offset in the file, offset in `content`, length (for the diff's regions). */
  kept: { old: number; at: number; length: number }[];
}

/**
 * The new JSON text of a cell's `source`. A single string is written again
 * whole; a list keeps the raw text of every string no edit touches (and the
 * separators between two kept neighbours), and the changed text between kept
 * strings becomes one string per line, as nbformat writes it.
 */
function encodeSource(cell: CodeCell, edits: readonly CellEdit[], next: string, file: string, style: JsonStringStyle): Encoded {
  const src = cell.source;
  if (src.kind !== 'array') return { content: encodeJsonString(next, style), kept: [] };
  const items = cell.pieces.map((p) => ({ a: p.at, b: p.at + p.node.value.length, raw: file.slice(p.node.start, p.node.end) }));
  const shift = (pos: number) => edits.reduce((d, e) => (e.end <= pos ? d + e.content.length - (e.end - e.start) : d), 0);
  const keep = items.map((it) => !edits.some((e) => (e.end > it.a && e.start < it.b) || (e.start === e.end && it.a < e.start && e.start < it.b)));
  let parts: { raw: string; orig?: number }[];
  for (;;) {
    parts = [];
    let gapStart = 0;
    let redo = false;
    const gap = (until: number) => {
      const lines = splitLines(next.slice(gapStart, until));
      for (const l of lines) parts.push({ raw: encodeJsonString(l, style) });
      return lines;
    };
    let lastKept = -1;
    // changed text right after a kept string that does not end its line: write that line again whole
    const joinsLine = (until: number) =>
      lastKept >= 0 && until > gapStart && !next.slice(items[lastKept].a + shift(items[lastKept].a), gapStart).endsWith('\n');
    for (let i = 0; i < items.length && !redo; i++) {
      if (!keep[i]) continue;
      const ns = items[i].a + shift(items[i].a);
      if (joinsLine(ns)) {
        keep[lastKept] = false;
        redo = true;
        break;
      }
      const lines = gap(ns);
      if (lines.length > 0 && !lines[lines.length - 1].endsWith('\n')) {
        keep[i] = false; // the changed text ends inside this string's line: write the line again whole
        redo = true;
        break;
      }
      parts.push({ raw: items[i].raw, orig: i });
      gapStart = ns + (items[i].b - items[i].a);
      lastKept = i;
    }
    if (redo) continue;
    if (joinsLine(next.length)) {
      keep[lastKept] = false;
      continue;
    }
    gap(next.length);
    break;
  }
  const inner = file.slice(src.start + 1, src.end - 1);
  const first = src.items[0];
  const lastItem = src.items[src.items.length - 1];
  let lead: string;
  let trail: string;
  let sep: string;
  if (first && lastItem) {
    lead = file.slice(src.start + 1, first.start);
    trail = file.slice(lastItem.end, src.end - 1);
    sep = src.items.length > 1 ? file.slice(first.end, src.items[1].start) : `,${lead}`;
  } else {
    // `[]` before: lay the list out the way the file indents
    const eol = /\r\n/.test(file) ? '\r\n' : '\n';
    const lineStart = file.lastIndexOf('\n', src.start) + 1;
    const indent = /^[ \t]*/.exec(file.slice(lineStart))![0];
    const unit = /\n([ \t]+)/.exec(file)?.[1];
    lead = unit === undefined ? inner : `${eol}${indent}${unit}`;
    trail = unit === undefined ? '' : `${eol}${indent}`;
    sep = unit === undefined ? ', ' : `,${lead}`;
  }
  if (parts.length === 0) return { content: '[]', kept: [] };
  const kept: Encoded['kept'] = [];
  let body = `[${lead}`;
  for (let j = 0; j < parts.length; j++) {
    const a = parts[j - 1]?.orig;
    const b = parts[j].orig;
    if (j > 0) body += a !== undefined && b === a + 1 ? file.slice(src.items[a].end, src.items[b].start) : sep;
    if (b !== undefined) kept.push({ old: src.items[b].start, at: body.length, length: parts[j].raw.length });
    body += parts[j].raw;
  }
  return { content: `${body}${trail}]`, kept };
}

/** The rewritten file must still be JSON (a cheap guard against a bug in the splicing above). */
function checkSameJsonOutsideSources(out: string): void {
  try {
    scanJson(out);
  } catch (e) {
    throw new NotebookError(`the rewritten notebook is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}
