/**
 * The engine for one file: parse, run the passes, apply non-overlapping fixes,
 * re-parse, repeat to a fixpoint (bounded), revert what breaks syntax, add the
 * requested imports, and describe every change in the input's coordinates.
 */
import { dropTree, parse, parsesAfresh, reparse, syntaxErrors, type Tree } from '../python/parser';
import { errorRegions, regionsWithin, shiftRegions, tolerableRegions, touchesRegion, type ErrorRegion } from '../python/error-regions';
import { Bindings, type StarExport } from '../python/bindings';
import { isEntryFile } from '../python/nodes';
import { detectEol, LineIndex } from '../python/source';
import { planImports } from '../imports/importer';
import { importStatement, type ImportRequest } from '../imports/request';
import { applyEdits, composeRegions, OffsetMap, selectFixes, type ChangedRegion } from './apply';
import { operationOf, type Finding, type FixSafety, type Operation, type SupportFile } from './edit';
import { DEFAULT_PASS_OPTIONS, type Pass, type PassContext, type PassOptions } from './pass';

export interface ChangeRecord {
  startLine: number;
  endLine: number;
  operation: Operation;
  message: string;
  passId: string;
  ruleId: string;
  safety: FixSafety;
}

export interface ManualRecord {
  startLine: number;
  endLine: number;
  passId: string;
  ruleId: string;
  /** manual: no automatic fix exists; unsafe: a fix exists but was not applied (needs --unsafe). */
  level: 'manual' | 'unsafe';
  message: string;
  hint?: string;
}

export interface EngineNote {
  level: 'error' | 'warning';
  passId?: string;
  message: string;
}

export interface SourceResult {
  output: string;
  changed: boolean;
  changes: ChangeRecord[];
  manual: ManualRecord[];
  notes: EngineNote[];
  supportFiles: (SupportFile & { passId: string })[];
  /** Rounds that applied edits. */
  rounds: number;
  /** Where `output` differs from the input, sorted, disjoint (for the diff). */
  regions: ChangedRegion[];
  /** An entry file that imports torch (what --transfer-to-npu patches), judged on the output. */
  entry: boolean;
}

export interface ConvertOptions {
  /** Enabled passes, in registry order. */
  passes: readonly Pass[];
  /** Apply unsafe fixes too. */
  unsafe?: boolean;
  passOptions?: PassOptions;
  /** POSIX relative path, for messages and passes that care. */
  path?: string;
  /** Bound on fix rounds (default 10). */
  maxRounds?: number;
  /** What the repository says about this file (src/runner/project-index.ts); absent: the file alone. */
  project?: FileProjectFacts;
  /**
   * Run every pass in every round, whatever its `rounds` says (the reference
   * the engine's shortcut is tested against: src/core/rounds.test.ts).
   */
  everyPassEveryRound?: boolean;
}

/** Repository-wide facts about one file, computed before the files are converted. */
export interface FileProjectFacts {
  /** Another module of the repository imports this one (so it is no entry file). */
  importedByOthers?: boolean;
  /** What its star imports bind (src/python/bindings.ts `useStarExports`). */
  stars?: StarExport[];
}

/** The input does not parse (beyond what `tolerableRegions` accepts); the engine does not touch such files. */
export class SourceSyntaxError extends Error {
  constructor(
    readonly line: number | undefined,
    why?: string,
  ) {
    super(`syntax error${line ? ` at line ${line}` : ''} (file left unchanged${why ? `: ${why}` : ''})`);
  }
}

/** Rule id of the record left for each region tree-sitter cannot parse. */
export const UNPARSED_REGION_RULE = 'engine/unparsed-region';

/**
 * The regions of a tree with errors that the engine converts around, or a
 * SourceSyntaxError when the file is not one it accepts (src/python/error-regions.ts).
 * [] when the tree has no error.
 */
export function acceptedRegions(text: string, tree: Tree): ErrorRegion[] {
  if (!tree.hasError) return []; // without making the tree's copy: the cheap path needs none
  const t = tolerableRegions(text, tree);
  // a genuine syntax error keeps the plain message; one that may be the gap says why the rule refused it
  if (!t.ok) throw new SourceSyntaxError(t.line, t.starred ? `tree-sitter cannot parse it and ${t.reason}` : undefined);
  return t.regions;
}

/** One manual record per region (lines of `text`, the input). */
export function regionRecords(regions: readonly ErrorRegion[]): ManualRecord[] {
  return regions.map((r) => ({
    startLine: r.startRow + 1,
    endLine: r.endRow + 1,
    passId: 'engine',
    ruleId: UNPARSED_REGION_RULE,
    level: 'manual' as const,
    message: 'not converted: tree-sitter cannot parse this region',
    hint: 'tree-sitter-python rejects this code (CPython may accept it); the rest of the file was converted. Convert any CUDA use here by hand, e.g. by rewriting the starred operand into a variable first',
  }));
}

export const DEFAULT_MAX_ROUNDS = 10;

export function convertSource(input: string, options: ConvertOptions): SourceResult {
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const path = options.path ?? '<input>';
  const passOptions = options.passOptions ?? DEFAULT_PASS_OPTIONS;
  const eol = detectEol(input);
  let tree: Tree | undefined = parse(input);
  // Regions tree-sitter cannot parse, in the current text: no edit may touch
  // one, and no round may add or grow one. [] for almost every file.
  const inputRegions = acceptedRegions(input, tree);
  let guard = inputRegions;

  let lines: LineIndex | undefined; // built on the first record: most files have none
  const maps: OffsetMap[] = [];
  const toOriginal = (pos: number, side: 'start' | 'end') => {
    let p = pos;
    for (let i = maps.length - 1; i >= 0; i--) p = maps[i].toOld(p, side);
    return p;
  };
  const lineRange = (start: number, end: number) => {
    const s = toOriginal(start, 'start');
    const e = Math.max(s, toOriginal(end, 'end'));
    lines ??= new LineIndex(input);
    const startLine = lines.lineOf(s);
    // a range ending right after a newline ends on the previous line
    const endLine = e > s ? lines.lineOf(e - 1) : startLine;
    return { startLine, endLine };
  };

  const changes: ChangeRecord[] = [];
  const notes: EngineNote[] = [];
  const requests: { req: ImportRequest; passId: string }[] = [];
  const supportFiles: (SupportFile & { passId: string })[] = [];
  const disabled = new Set<string>();
  let text = input;
  let regions: ChangedRegion[] = [];
  let rounds = 0;
  let findings: Finding[];
  // After a round that applied fixes only some passes run again (Pass.rounds);
  // the others' findings of their last round that were not applied are kept
  // here, as records in the input's lines. undefined: every pass runs.
  let rerun: Set<string> | undefined;
  const kept = new Map<string, ManualRecord[]>();

  for (;;) {
    const active = options.passes.filter((p) => !disabled.has(p.id) && (rerun === undefined || rerun.has(p.id)));
    findings = runPasses(active, text, tree, path, passOptions, eol, options.project);
    if (guard.length > 0) findings = keepOutOfRegions(findings, guard);
    const applicable = findings.filter((f) => f.fix && (f.fix.safety === 'safe' || options.unsafe));
    const sel = selectFixes(applicable);
    const collect = () => {
      for (const f of sel.accepted) {
        for (const req of f.fix!.imports ?? []) requests.push({ req, passId: f.passId });
        for (const file of f.fix!.supportFiles ?? []) addSupportFile(supportFiles, notes, file, f.passId);
      }
    };
    if (sel.edits.length === 0) {
      collect();
      break;
    }
    if (rounds >= maxRounds) {
      notes.push({
        level: 'warning',
        message: `no fixpoint after ${maxRounds} rounds; the output is what the last round produced (please report this file)`,
      });
      break;
    }
    const next = applyEdits(text, sel.edits);
    let nextTree: Tree;
    if (parsesAfresh(text, sel.edits)) {
      // The edits span most of the file: a fresh parse, which does not need the
      // old tree (its JS copy stays: the new copy takes the statements no edit touched)
      const old = tree;
      dropTree(tree);
      tree = undefined;
      nextTree = parse(next, { old, edits: sel.edits });
    } else {
      nextTree = reparse(tree, text, sel.edits, next); // `tree` is spent: it now describes `next`
    }
    const broken = syntaxBroken(nextTree, guard, sel.edits, next);
    if (broken) {
      tree = parse(text); // the old tree was edited into `next`'s or dropped: parse this round's text again
      const culprits = findCulprits(text, sel.accepted, guard);
      for (const c of culprits) {
        disabled.add(c);
        notes.push({
          level: 'error',
          passId: c,
          message: `${c}: its fixes made the file unparsable (line ${broken.line ?? '?'} of the result); they were reverted and the pass was stopped for this file`,
        });
      }
      continue; // redo this round without the culprits
    }
    collect();
    for (const f of sel.accepted) {
      if (f.fix!.edits.length === 0) continue;
      const { startLine, endLine } = lineRange(f.start, f.end); // no spread: 265k records on a dense file
      changes.push({
        startLine,
        endLine,
        operation: operationOf(f.fix!),
        message: f.message,
        passId: f.passId,
        ruleId: f.ruleId ?? f.passId,
        safety: f.fix!.safety,
      });
    }
    rerun = options.everyPassEveryRound ? undefined : passesToRerun(options.passes, sel);
    for (const p of options.passes) {
      if (rerun === undefined || rerun.has(p.id)) kept.delete(p.id);
      else if (active.includes(p)) kept.set(p.id, leftForUser(findings, p.id, options.unsafe === true, lineRange));
    }
    maps.push(new OffsetMap(sel.edits));
    regions = composeRegions(regions, sel.edits);
    if (guard.length > 0) guard = errorRegions(nextTree); // checked: within the old ones, shifted
    text = next;
    tree = nextTree;
    rounds++;
  }

  // Whatever is left without an applied fix is for the user: the last round's
  // findings, and those kept for the passes that did not run in it, in pass order.
  const manual: ManualRecord[] = regionRecords(inputRegions);
  const left = (passId?: string) => leftForUser(findings, passId, options.unsafe === true, lineRange);
  const groups = kept.size === 0 ? [left()] : options.passes.map((p) => kept.get(p.id) ?? left(p.id));
  for (const records of groups) for (const r of records) manual.push(r); // one by one: a spread of a dense file's records would overflow the stack

  // An entry file that imports torch (what --transfer-to-npu patches), judged
  // on the output: on this tree, and on what the importer adds (an import is
  // no module-level work, so only whether torch is imported can change). The
  // tree with the imports is then only parsed to check its syntax, never copied.
  const root = tree.rootNode;
  const bindings = Bindings.of(root).useStarExports(options.project?.stars);
  const entryFile = isEntryFile(root, path, options.project?.importedByOthers === true);
  let importsTorch = entryFile && bindings.importsModule('torch');

  if (requests.length > 0) {
    const plan = planImports(text, root, bindings, requests.map((r) => r.req), eol);
    if (plan.edits.length > 0) {
      const edits = [...plan.edits].sort((a, b) => a.start - b.start);
      const next = applyEdits(text, plan.edits);
      const touched = guard.find((r) => edits.some((e) => touchesRegion(e.start, e.end, [r])));
      if (touched) {
        // the converted code needs these imports: without them, leave the whole file as it is
        throw new SourceSyntaxError(lineRange(touched.start, touched.end).startLine, 'the imports the conversion needs would touch a region tree-sitter cannot parse');
      }
      const nextTree = reparse(tree, text, plan.edits, next);
      if (syntaxBroken(nextTree, guard, edits, next)) {
        notes.push({ level: 'error', message: 'adding imports made the file unparsable; imports were not added' });
      } else {
        for (const a of plan.added) {
          const stmt = importStatement(a.request);
          const passId = requests.find((r) => importStatement(r.req) === stmt)!.passId;
          const { startLine } = lineRange(a.anchor, a.anchor);
          changes.push({ startLine, endLine: startLine, operation: 'INSERT', message: stmt, passId, ruleId: passId, safety: 'safe' });
        }
        regions = composeRegions(regions, edits);
        text = next;
        tree = nextTree;
        importsTorch ||= plan.added.some((a) => a.request.module === 'torch' || a.request.module.startsWith('torch.'));
      }
    }
  }

  const byLine = (a: { startLine: number; endLine: number }, b: { startLine: number; endLine: number }) =>
    a.startLine - b.startLine || a.endLine - b.endLine;
  changes.sort(byLine); // stable: same-line records keep the order they were made in
  manual.sort(byLine);
  return { output: text, changed: text !== input, changes, manual, notes, supportFiles, rounds, regions, entry: entryFile && importsTorch };
}

/**
 * The findings of one pass (undefined: of all) that no applied fix took, as
 * records in the input's lines: no fix, or an unsafe fix without --unsafe.
 */
function leftForUser(
  findings: readonly Finding[],
  passId: string | undefined,
  unsafe: boolean,
  lineRange: (start: number, end: number) => { startLine: number; endLine: number },
): ManualRecord[] {
  const out: ManualRecord[] = [];
  for (const f of findings) {
    if (passId !== undefined && f.passId !== passId) continue;
    if (f.fix && !(f.fix.safety === 'unsafe' && !unsafe)) continue; // applied
    if (f.fix && f.fix.edits.length === 0) continue;
    const { startLine, endLine } = lineRange(f.start, f.end);
    const record: ManualRecord = {
      startLine,
      endLine,
      passId: f.passId,
      ruleId: f.ruleId ?? f.passId,
      level: f.fix ? 'unsafe' : 'manual',
      message: f.message,
    };
    if (f.hint) record.hint = f.hint;
    out.push(record); // one by one: a spread of a dense file's records would overflow the stack
  }
  return out;
}

/**
 * The passes to run after a round that applied `sel` (Pass.rounds): those
 * that react to fixes and those with a deferred fix; every pass when a
 * feeding pass's fix was applied.
 */
function passesToRerun(passes: readonly Pass[], sel: { accepted: readonly Finding[]; deferred: readonly Finding[] }): Set<string> | undefined {
  const feeds = new Set(passes.filter((p) => p.rounds === 'feeds').map((p) => p.id));
  if (feeds.size > 0 && sel.accepted.some((f) => feeds.has(f.passId))) return undefined;
  const ids = new Set(passes.filter((p) => p.rounds === 'reacts').map((p) => p.id));
  for (const f of sel.deferred) ids.add(f.passId);
  return ids;
}

function runPasses(
  passes: readonly Pass[],
  source: string,
  tree: Tree,
  path: string,
  options: PassOptions,
  eol: string,
  project: FileProjectFacts | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const root = tree.rootNode;
  let bindings: Bindings | undefined;
  let isEntry: boolean | undefined;
  for (const pass of passes) {
    if (!pass.triggers.test(source)) continue;
    const ctx: PassContext = {
      path,
      source,
      root,
      get bindings() {
        return (bindings ??= Bindings.of(root).useStarExports(project?.stars));
      },
      get isEntry() {
        return (isEntry ??= isEntryFile(root, path, project?.importedByOthers === true));
      },
      options,
      eol,
      report(f) {
        for (const e of f.fix?.edits ?? []) {
          if (!(0 <= e.start && e.start <= e.end && e.end <= source.length)) {
            throw new Error(`${pass.id}: edit [${e.start}, ${e.end}) is outside the text (length ${source.length})`);
          }
        }
        findings.push({ ...f, passId: pass.id });
      },
    };
    pass.run(ctx);
  }
  if (bindings && bindings.starUses.size > 0) explainStarUses(findings, bindings);
  return findings;
}

/**
 * Did edits break the syntax? With no error region (almost every file) any
 * error does; otherwise the result's error regions must be no more and no
 * larger than the regions before the edits, shifted through them.
 */
function syntaxBroken(
  tree: Tree,
  guard: readonly ErrorRegion[],
  edits: readonly { start: number; end: number; content: string }[],
  text: string,
): { line?: number } | undefined {
  if (guard.length === 0) {
    const after = syntaxErrors(tree);
    return after.count > 0 ? { line: after.firstLine } : undefined;
  }
  const now = errorRegions(tree);
  const before = shiftRegions(guard, edits, text);
  if (regionsWithin(now, before)) return undefined;
  const grown = now.find((n) => !before.some((b) => b.start <= n.start && n.end <= b.end)) ?? now[0];
  return { line: grown ? grown.startRow + 1 : undefined };
}

/**
 * Findings of a file with error regions, as the engine may take them: a fix
 * with an edit that intersects or touches a region is dropped (nothing is
 * edited inside or across a region); a finding about code in a region is
 * dropped whole (the region's record covers it: the tree there is tree-sitter's
 * guess), one elsewhere keeps its message as a manual record.
 */
function keepOutOfRegions(findings: Finding[], guard: readonly ErrorRegion[]): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const inside = guard.some((r) => r.start <= f.start && f.end <= r.end);
    if (inside) continue;
    if (f.fix && f.fix.edits.some((e) => touchesRegion(e.start, e.end, guard))) {
      const { fix: _fix, ...rest } = f;
      out.push({
        ...rest,
        hint: `not converted: the change would touch code tree-sitter cannot parse${f.hint ? `; ${f.hint}` : ''}`,
      });
      continue;
    }
    out.push(f);
  }
  return out;
}

/**
 * A finding made through a name that a star import binds says so (issue 10,
 * item 7): the reviewer sees no `import torch` in the file.
 */
function explainStarUses(findings: Finding[], bindings: Bindings): void {
  const uses = [...bindings.starUses].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    const inside = uses.filter(([at]) => f.start <= at && at < Math.max(f.end, f.start + 1));
    if (inside.length === 0) continue;
    const seen = new Set<string>();
    const why: string[] = [];
    for (const [, u] of inside) {
      if (seen.has(u.local)) continue;
      seen.add(u.local);
      why.push(
        u.assumed
          ? `\`${u.local}\` taken as the ${u.qualified} module: the file binds it only through \`${u.via}\`, which was not followed`
          : `\`${u.local}\` is ${u.qualified}, bound by \`${u.via}\``,
      );
    }
    findings[i] = { ...f, message: `${f.message} (${why.join('; ')})` };
  }
}

/** Passes whose accepted fixes, applied alone, break the syntax (all of them if none does alone). */
function findCulprits(text: string, accepted: Finding[], guard: readonly ErrorRegion[]): string[] {
  const ids = [...new Set(accepted.map((f) => f.passId))];
  const bad = ids.filter((id) => {
    const own = selectFixes(accepted.filter((f) => f.passId === id));
    const next = applyEdits(text, own.edits);
    return syntaxBroken(parse(next), guard, own.edits, next) !== undefined;
  });
  return bad.length > 0 ? bad : ids;
}

function addSupportFile(
  files: (SupportFile & { passId: string })[],
  notes: EngineNote[],
  file: SupportFile,
  passId: string,
): void {
  const prev = files.find((f) => f.path === file.path);
  if (!prev) files.push({ ...file, passId });
  else if (prev.content !== file.content) {
    notes.push({ level: 'error', passId, message: `two different contents requested for support file ${file.path}` });
  }
}
