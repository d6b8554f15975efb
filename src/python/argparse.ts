/**
 * Command-line options a file declares with argparse (or anything with the same
 * `add_argument` shape, e.g. argument groups), and `set_defaults(...)` values.
 *
 *   parser.add_argument("--dist-backend", default="nccl", type=str)
 *     → { flags: ['--dist-backend'], dest: 'dist_backend', default: <"nccl"> }
 */
import type { SyntaxNode } from './parser';
import { callArgs, stringLiteral } from './nodes';
import { nodesOfType, perTree } from './tree-cache';

export interface ArgOption {
  /** The add_argument / set_defaults call. */
  call: SyntaxNode;
  /** Option strings (`--dist-backend`, `-b`); empty for set_defaults. */
  flags: string[];
  /** Attribute name on the parsed namespace (explicit dest=, else derived from the flags). */
  dest: string | null;
  default?: SyntaxNode;
  choices?: SyntaxNode;
  type?: SyntaxNode;
  help?: SyntaxNode;
}

/** Options found per tree (several passes ask for the same file's options in one round). */
const optionsOf = perTree(findArgparseOptions);

/** The argparse options the file declares (`root`: the tree's root), in source order. */
export function argparseOptions(root: SyntaxNode): ArgOption[] {
  return optionsOf(root).slice();
}

function findArgparseOptions(root: SyntaxNode): ArgOption[] {
  if (!/add_argument|set_defaults/.test(root.text)) return [];
  const out: ArgOption[] = [];
  for (const call of nodesOfType(root, 'call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const method = fn.childForFieldName('attribute')?.text;
    if (method !== 'add_argument' && method !== 'set_defaults') continue;
    if (call.childForFieldName('arguments')?.type !== 'argument_list') continue;
    const args = callArgs(call);
    if (method === 'set_defaults') {
      for (const [name, kw] of args.keywords) out.push({ call, flags: [], dest: name, default: kw.value });
      continue;
    }
    if (method !== 'add_argument') continue;
    const flags = args.positional.map((a) => stringLiteral(a)?.value).filter((v): v is string => v !== undefined);
    const explicitDest = args.keywords.get('dest')?.value;
    const dest = (explicitDest && stringLiteral(explicitDest)?.value) ?? destFromFlags(flags);
    out.push({
      call,
      flags,
      dest,
      default: args.keywords.get('default')?.value,
      choices: args.keywords.get('choices')?.value,
      type: args.keywords.get('type')?.value,
      help: args.keywords.get('help')?.value,
    });
  }
  return out;
}

/** argparse's rule: the first long option, else the first short one, dashes → underscores. */
export function destFromFlags(flags: string[]): string | null {
  const long = flags.find((f) => f.startsWith('--'));
  const chosen = long ?? flags.find((f) => f.startsWith('-')) ?? flags[0];
  if (!chosen) return null;
  return chosen.replace(/^-+/, '').replace(/-/g, '_');
}

/** `type=int` declared? */
export function isIntOption(o: ArgOption): boolean {
  return o.type?.type === 'identifier' && o.type.text === 'int';
}
