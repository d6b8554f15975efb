/** The mirror's conformance suite (src/testing/mirror-suite.ts), copies made by the native helper (native-trees.ts). */
import { parse } from './parser';
import { nativeTreesStatus } from './native-trees';
import { releaseTrees } from './tree-cache';
import { mirrorSuite } from '../testing/mirror-suite';

it('the native helper is built (npm ci) and in use: the suite below tests its copies', () => {
  parse('x = 1\n');
  releaseTrees();
  expect(nativeTreesStatus()).toBe('in use');
});

mirrorSuite('copied by the native helper');
