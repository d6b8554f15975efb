/**
 * Case tables for passes, after typescript-eslint's RuleTester.
 *
 *   runPassCases(myPass, {
 *     valid: ['x = "cuda is fast"  # must not change'],
 *     invalid: [{ code: 'torch.cuda.synchronize()\n', output: 'torch.npu.synchronize()\n' }],
 *   });
 *
 * For every case the tester checks:
 * - valid: the output is the input, and the pass reports nothing at all;
 * - invalid: the exact output (never trimmed); the change messages if given;
 *   the manual/unsafe findings, which must be declared (none are allowed when
 *   `manual` is absent); an invalid case must change something or report something;
 * - the output parses with no errors, and converting it again changes nothing;
 * - running every pass in every round gives the same result (the engine runs
 *   again only the passes `Pass.rounds` names: a pass that reads what fixes
 *   produced and does not say so fails here);
 * - the same case with CRLF line endings gives the same output with CRLF
 *   (opt out with `crlf: false` where the case is about line endings itself);
 * - no two cases are the same.
 */
import { convertSource, type FileProjectFacts, type SourceResult } from '../core/pipeline';
import type { Pass } from '../core/pass';
import { parse, syntaxErrors } from '../python/parser';

export interface CaseOptions {
  unsafe?: boolean;
  transferToNpu?: boolean;
  /** The project config's [mappings] (transforms/custom-mappings). */
  mappings?: Record<string, string>;
  /** Run these passes (default: only the pass under test). */
  passes?: readonly Pass[];
  /** POSIX path of the file relative to the repository root (default `case.py`). */
  path?: string;
  /** What the repository says about the file (default: none, the file alone). */
  project?: FileProjectFacts;
}

export interface ValidCase extends CaseOptions {
  name?: string;
  code: string;
}

export interface InvalidCase extends CaseOptions {
  name?: string;
  code: string;
  /** Exact expected output. Equal to `code` when the case only reports. */
  output: string;
  /** Expected change-log messages, in order (optional). */
  changes?: string[];
  /** Expected manual / unsafe-not-applied findings (message substrings or patterns), in order. */
  manual?: (string | RegExp)[];
  crlf?: false;
}

export interface Cases {
  valid: (string | ValidCase)[];
  invalid: InvalidCase[];
}

export function convertWith(pass: Pass, code: string, opts: CaseOptions = {}, everyPassEveryRound = false): SourceResult {
  return convertSource(code, {
    everyPassEveryRound,
    passes: opts.passes ?? [pass],
    unsafe: opts.unsafe,
    passOptions: { transferToNpu: opts.transferToNpu === true, ...(opts.mappings ? { mappings: opts.mappings } : {}) },
    path: opts.path ?? 'case.py',
    ...(opts.project ? { project: opts.project } : {}),
  });
}

function title(kind: string, c: { name?: string; code: string }): string {
  const first = c.code.split('\n').find((l) => l.trim() !== '') ?? '';
  return `${kind}: ${c.name ?? first.trim().slice(0, 70)}`;
}

function checkStable(pass: Pass, output: string, opts: CaseOptions): void {
  const errs = syntaxErrors(parse(output));
  if (errs.count > 0) throw new Error(`output does not parse (line ${errs.firstLine}):\n${output}`);
  const again = convertWith(pass, output, opts);
  expect({ secondRun: again.output }).toEqual({ secondRun: output });
  expect(again.changes).toEqual([]);
}

function matches(actual: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? actual.includes(want) : want.test(actual);
}

function checkInvalid(pass: Pass, c: InvalidCase, code: string, output: string): void {
  const r = convertWith(pass, code, c);
  expect(r.notes).toEqual([]);
  expect(r.output).toBe(output);
  if (c.changes) expect(r.changes.map((x) => x.message)).toEqual(c.changes);
  const manual = r.manual.map((m) => `[${m.level}] ${m.message}`);
  const want = c.manual ?? [];
  if (manual.length !== want.length || !manual.every((m, i) => matches(m, want[i]))) {
    throw new Error(`manual findings differ.\nexpected: ${JSON.stringify(want.map(String))}\nactual:   ${JSON.stringify(manual)}`);
  }
  if (r.output === code && r.manual.length === 0) throw new Error('an invalid case must change the code or report something; make it valid');
  const reference = convertWith(pass, code, c, true);
  expect(r).toEqual(reference);
  checkStable(pass, output, c);
}

export function runPassCases(pass: Pass, cases: Cases): void {
  const seen = new Set<string>();
  const key = (c: { code: string } & CaseOptions) =>
    JSON.stringify([c.code, c.unsafe ?? false, c.transferToNpu ?? false, c.passes?.map((p) => p.id), c.path ?? 'case.py', c.project ?? null, c.mappings ?? null]);
  const unique = (c: { code: string } & CaseOptions) => {
    const k = key(c);
    if (seen.has(k)) throw new Error(`duplicate case:\n${c.code}`);
    seen.add(k);
  };

  describe(`${pass.id} valid`, () => {
    for (const raw of cases.valid) {
      const c: ValidCase = typeof raw === 'string' ? { code: raw } : raw;
      unique(c);
      it(title('valid', c), () => {
        const r = convertWith(pass, c.code, c);
        expect(r.output).toBe(c.code);
        expect(r.changes).toEqual([]);
        expect(r.manual).toEqual([]);
        expect(r.notes).toEqual([]);
      });
    }
  });

  describe(`${pass.id} invalid`, () => {
    for (const c of cases.invalid) {
      unique(c);
      it(title('invalid', c), () => checkInvalid(pass, c, c.code, c.output));
      if (c.crlf !== false && c.code.includes('\n')) {
        it(title('invalid (CRLF)', c), () =>
          checkInvalid(pass, c, c.code.replace(/\r?\n/g, '\r\n'), c.output.replace(/\r?\n/g, '\r\n')),
        );
      }
    }
  });
}
