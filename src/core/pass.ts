/**
 * The contract between the engine and a pass.
 *
 * A pass looks at one file's syntax tree and reports findings. It is called
 * once per round with the current text; the engine applies the fixes, re-parses
 * and calls it again until nothing changes, so a pass only has to describe one
 * step and must report nothing on code it already converted.
 */
import type { SyntaxNode } from '../python/parser';
import type { Bindings } from '../python/bindings';
import type { FindingInput, Level } from './edit';

export interface PassOptions {
  /** --transfer-to-npu: also add `from torch_npu.contrib import transfer_to_npu` to entry files. */
  transferToNpu: boolean;
  /**
   * The project config's `[mappings]` (docs/config.md): qualified name → qualified
   * name, for transforms/custom-mappings. Plain data, so it travels to workers.
   */
  mappings?: Readonly<Record<string, string>>;
}

export const DEFAULT_PASS_OPTIONS: PassOptions = { transferToNpu: false };

export interface PassContext {
  /** POSIX path relative to the repository root (the file name for single files). */
  readonly path: string;
  /** Current text of the file (without BOM). */
  readonly source: string;
  readonly root: SyntaxNode;
  readonly bindings: Bindings;
  readonly options: PassOptions;
  /** The file's line ending, for multi-line insertions. */
  readonly eol: string;
  /** The file has a module-level `if __name__ == "__main__":`. */
  readonly isEntry: boolean;
  report(finding: FindingInput): void;
}

export interface Pass {
  /** Kebab-case action name; equals its folder and file name under transforms/. */
  readonly id: string;
  /** One line for `ascendify passes` and the docs. */
  readonly summary: string;
  /** Levels of the findings it reports. */
  readonly levels: readonly Level[];
  /**
   * Cheap pre-filter: the pass cannot report anything on a file whose text
   * matches none of these. Files matching no pass's trigger are not parsed.
   */
  readonly triggers: RegExp;
  /**
   * Does the pass have anything to do with these options? A pass that answers
   * false is not run (and its trigger not tested): custom-mappings without mappings.
   */
  enabled?(options: PassOptions): boolean;
  /** A trigger that depends on the options (used instead of `triggers` when given): custom-mappings' mapped module names. */
  triggersFor?(options: PassOptions): RegExp;
  /**
   * What the pass does in the rounds after a round that applied fixes. Default
   * (absent): its findings on the new text would be the ones of this round
   * that were not applied (it reports nothing on what it converted, and no
   * other pass's fix changes what it finds), so it runs again only if one of
   * its fixes was deferred for an overlap; its other findings are kept as they
   * are. 'reacts': it reads what fixes produced (inject-torch-npu imports
   * torch_npu for the NPU uses they wrote; data-parallel-to-ddp reports the
   * launch note on the `to_ddp` calls it wrote), so it runs after every round
   * that applied fixes. 'feeds': its fixes write code that passes convert
   * (custom-mappings' user-chosen targets), so every pass runs again after a
   * round that applied one of them. src/core/rounds.test.ts checks every
   * fixture and golden sample against running every pass every round.
   */
  readonly rounds?: 'reacts' | 'feeds';
  run(ctx: PassContext): void;
}
