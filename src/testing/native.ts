/**
 * For tests of the native helper (src/python/native-trees.ts) against
 * tree-sitter's binding: the helper this thread uses, and a parser of the
 * binding's own to compare with.
 */
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { parse } from '../python/parser';
import { nativeTrees, type NativeTrees } from '../python/native-trees';
import { releaseTrees } from '../python/tree-cache';

/** The native helper, checked by the parser on first use; throws when it is not in use (`npm ci` builds it). */
export function helperInUse(): NativeTrees {
  parse('x = 1\n');
  releaseTrees();
  const h = nativeTrees(() => 'checked already');
  if (!h) throw new Error('the native helper is not in use (npm ci builds it)');
  return h;
}

/** A parser of tree-sitter's binding for Python: the trees the helper's are compared with. */
export function bindingParser(): Parser {
  const p = new Parser();
  p.setLanguage(Python as unknown as Parser.Language);
  return p;
}
