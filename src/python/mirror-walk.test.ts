/** The mirror's conformance suite (src/testing/mirror-suite.ts), copies made by a walk through the binding (no native helper). */
import { parse } from './parser';
import { nativeTreesStatus } from './native-trees';
import { releaseTrees } from './tree-cache';
import { mirrorSuite } from '../testing/mirror-suite';

const before = process.env.ASCENDIFY_NATIVE;
process.env.ASCENDIFY_NATIVE = '0'; // read on the first parse, below
afterAll(() => {
  if (before === undefined) delete process.env.ASCENDIFY_NATIVE;
  else process.env.ASCENDIFY_NATIVE = before;
});

it('the native helper is turned off: the suite below tests the walk', () => {
  parse('x = 1\n');
  releaseTrees();
  expect(nativeTreesStatus()).toBe('turned off (ASCENDIFY_NATIVE=0)');
});

mirrorSuite('copied by a walk through the binding');
