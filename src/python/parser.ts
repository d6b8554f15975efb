/**
 * The one tree-sitter parser of a thread, and compiled queries (compiled once, cached).
 */
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;
export type QueryCapture = Parser.QueryCapture;
export type QueryMatch = Parser.QueryMatch;

let parser: Parser | undefined;
const queries = new Map<string, Parser.Query>();

function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python as unknown as Parser.Language);
  }
  return parser;
}

/**
 * The last text parsed on this thread and its tree: the analysis and the
 * conversion of one file parse the same decoded text one after the other, and
 * trees are never modified, so the second parse is answered from here.
 */
let last: { text: string; tree: Tree } | undefined;
let charsParsed = 0;

/**
 * Characters parsed on this thread so far. Trees live in native memory that
 * V8 does not see, so a long run can grow by every tree it ever built before a
 * major GC happens to run; the pool uses this count to ask for one now and then.
 */
export function parsedChars(): number {
  return charsParsed;
}

/** Parse Python source text (without BOM). */
export function parse(text: string): Tree {
  if (last && last.text === text) return last.tree;
  charsParsed += text.length;
  // tree-sitter's node binding reads a JS string in chunks; a larger buffer
  // makes big files cheaper to hand over.
  const tree = getParser().parse(text, undefined, { bufferSize: Math.max(text.length + 1, 32 * 1024) });
  last = { text, tree };
  return tree;
}

/** A tree-sitter query, compiled on first use and kept for the life of the thread. */
export function query(source: string): Parser.Query {
  let q = queries.get(source);
  if (!q) {
    q = new Parser.Query(Python as unknown as Parser.Language, source);
    queries.set(source, q);
  }
  return q;
}

export interface SyntaxErrors {
  count: number;
  /** 1-based line of the first error, if any. */
  firstLine?: number;
}

/** Count ERROR and MISSING nodes (cheap when the tree has none). */
export function syntaxErrors(tree: Tree): SyntaxErrors {
  const root = tree.rootNode;
  if (!root.hasError) return { count: 0 };
  let count = 0;
  let firstLine: number | undefined;
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode;
    const bad = node.type === 'ERROR' || node.isMissing;
    if (bad) {
      count++;
      if (firstLine === undefined) firstLine = node.startPosition.row + 1;
    }
    // descend only where errors can be
    if (!bad && node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  return { count, firstLine };
}
