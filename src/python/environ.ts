/**
 * Where code names an environment variable: the string literals (or keyword
 * names) that act as a variable name in os.environ / os.getenv access.
 *
 *   os.environ["CUDA_VISIBLE_DEVICES"] = "0"        os.getenv("NCCL_DEBUG")
 *   os.environ.get("X", d) / setdefault / pop       "X" in os.environ
 *   environ["X"] (from os import environ)           getenv("X") (from os import getenv)
 *   os.environ.update({"X": v}) / update(X=v)       os.putenv("X", v) / os.unsetenv("X")
 *   subprocess.run(cmd, env={"X": v, **os.environ}) dict(os.environ, X=v)
 */
import type { Bindings } from './bindings';
import type { SyntaxNode } from './parser';
import { callArgs, stringLiteral, unparen } from './nodes';
import { nodesOfType, perTree } from './tree-cache';

export interface EnvNameSite {
  /** The node that spells the name: a `string` literal, or the identifier of a keyword argument. */
  node: SyntaxNode;
  /** Offsets of the name's characters (inside the quotes for strings). */
  start: number;
  end: number;
  name: string;
  /** How the variable is used: read, written, deleted or tested. */
  access: 'read' | 'write' | 'delete' | 'test';
}

const METHOD_ACCESS: Record<string, EnvNameSite['access']> = {
  get: 'read',
  setdefault: 'write',
  pop: 'delete',
  update: 'write',
};

/** Sites found per tree (several passes ask for the same file's sites in one round). */
const sitesCache = perTree(() => new Map<Bindings, EnvNameSite[]>());

/** Every environment-variable name site in the file (`root`: the tree's root), in source order. */
export function envNameSites(root: SyntaxNode, bindings: Bindings): EnvNameSite[] {
  const byBindings = sitesCache(root);
  let sites = byBindings.get(bindings);
  if (!sites) byBindings.set(bindings, (sites = findEnvNameSites(root, bindings)));
  return sites.slice();
}

function findEnvNameSites(root: SyntaxNode, bindings: Bindings): EnvNameSite[] {
  if (!/environ|getenv|putenv|unsetenv|\benv\s*=/.test(root.text)) return [];
  const isEnviron = (n: SyntaxNode | null | undefined) => !!n && bindings.qualify(unparen(n)) === 'os.environ';
  const out: EnvNameSite[] = [];
  const add = (node: SyntaxNode, access: EnvNameSite['access']) => {
    if (node.type === 'identifier') {
      out.push({ node, start: node.startIndex, end: node.endIndex, name: node.text, access });
      return;
    }
    const lit = stringLiteral(node);
    if (!lit || lit.value === undefined || lit.isBytes || !/^\w+$/.test(lit.value)) return;
    out.push({ node, start: lit.contentStart, end: lit.contentEnd, name: lit.value, access });
  };
  const dictKeys = (dict: SyntaxNode, access: EnvNameSite['access']) => {
    for (const pair of dict.namedChildren) {
      if (pair.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      if (key) add(key, access);
    }
  };

  // os.environ["X"], environ["X"]: read, written (assignment target) or deleted
  for (const site of nodesOfType(root, 'subscript')) {
    const names = site.childrenForFieldName('subscript').filter((n) => n.type === 'string');
    if (names.length === 0 || !isEnviron(site.childForFieldName('value'))) continue;
    const p = site.parent;
    const access =
      p?.type === 'assignment' && p.childForFieldName('left')?.id === site.id
        ? 'write'
        : p?.type === 'delete_statement'
          ? 'delete'
          : 'read';
    for (const name of names) add(name, access);
  }
  // "X" in os.environ
  for (const site of nodesOfType(root, 'comparison_operator')) {
    const [left, right] = site.namedChildren;
    if (left?.type !== 'string' || !right) continue;
    const op = site.children.filter((c) => !c.isNamed).map((c) => c.text).join(' ').replace(/\s+/g, ' ');
    if ((op === 'in' || op === 'not in') && isEnviron(right)) add(left, 'test');
  }
  // calls: os.getenv("X"), os.environ.get("X"), update(...), dict(os.environ, X=v), env={...}
  for (const site of nodesOfType(root, 'call')) {
    if (site.childForFieldName('arguments')?.type !== 'argument_list') continue;
    const fn = site.childForFieldName('function')!;
    const args = callArgs(site);
    const q = bindings.qualify(fn);
    if (q === 'os.getenv' || q === 'os.putenv' || q === 'os.unsetenv') {
      if (args.positional[0]) add(args.positional[0], q === 'os.getenv' ? 'read' : q === 'os.putenv' ? 'write' : 'delete');
      continue;
    }
    if (fn.type === 'attribute' && isEnviron(fn.childForFieldName('object'))) {
      const method = fn.childForFieldName('attribute')!.text;
      const access = METHOD_ACCESS[method];
      if (!access) continue;
      if (method === 'update') {
        for (const a of args.positional) if (unparen(a).type === 'dictionary') dictKeys(unparen(a), 'write');
        for (const kw of args.keywords.values()) add(kw.name, 'write');
      } else if (args.positional[0]) {
        add(args.positional[0], access);
      }
      continue;
    }
    // dict(os.environ, X=v)
    if (fn.type === 'identifier' && fn.text === 'dict' && isEnviron(args.positional[0])) {
      for (const kw of args.keywords.values()) add(kw.name, 'write');
      continue;
    }
    // env={...} of a process-starting call, or any env={**os.environ, ...}
    const env = args.keywords.get('env')?.value;
    if (env && unparen(env).type === 'dictionary') {
      const dict = unparen(env);
      const spawns = q !== null && /^(subprocess\.|os\.(exec|spawn|posix_spawn))/.test(q);
      const spreadsEnviron = dict.namedChildren.some((c) => c.type === 'dictionary_splat' && isEnviron(c.namedChildren[0]));
      if (spawns || spreadsEnviron) dictKeys(dict, 'write');
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
