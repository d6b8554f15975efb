/**
 * Command-line options a file declares with argparse (or anything with the same
 * `add_argument` shape, e.g. argument groups), and `set_defaults(...)` values.
 *
 *   parser.add_argument("--dist-backend", default="nccl", type=str)
 *     → { flags: ['--dist-backend'], dest: 'dist_backend', default: <"nccl"> }
 */
import type { SyntaxNode } from './parser';
import { callArgs, stringLiteral } from './nodes';
import { query } from './parser';

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

const CALL_QUERY = `(call function: (attribute attribute: (identifier) @method) arguments: (argument_list)) @call`;

/** Options found per tree (several passes ask for the same file's options in one round). */
const optionsCache = new WeakMap<SyntaxNode, ArgOption[]>();

export function argparseOptions(root: SyntaxNode): ArgOption[] {
  let options = optionsCache.get(root);
  if (!options) {
    options = findArgparseOptions(root);
    optionsCache.set(root, options);
  }
  return options.slice();
}

function findArgparseOptions(root: SyntaxNode): ArgOption[] {
  if (!/add_argument|set_defaults/.test(root.text)) return [];
  const out: ArgOption[] = [];
  for (const m of query(CALL_QUERY).matches(root)) {
    const method = m.captures.find((c) => c.name === 'method')!.node.text;
    const call = m.captures.find((c) => c.name === 'call')!.node;
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
