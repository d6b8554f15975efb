import { CHUNK_CHARS, jsonChunks, jsonFileChunks } from './json-chunks';

const text = (value: unknown, indent?: number) => [...jsonChunks(value, indent)].join('');

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  toJSON(key: string) {
    return { at: `${this.x},${this.y}`, key };
  }
}

const record = (i: number) => ({ file: `pkg/m${i}.py`, startLine: i, endLine: i + 1, operation: 'MODIFY', message: `x${i}.cuda() → x${i}.npu()`, hint: undefined });

/** Shapes and values JSON.stringify treats each in its own way. */
const SHAPES: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['zero, negative zero, fractions, exponents', [0, -0, 1.5, -2.25e-7, 1e21, 123456789012345680000, Number.MAX_VALUE, Number.MIN_VALUE]],
  ['non-finite numbers become null', [NaN, Infinity, -Infinity, { a: NaN }]],
  ['a string', 'plain'],
  ['escapes', ['quote " backslash \\ slash /', 'tab\tnewline\ncarriage\rform\fback\b', '\u0000\u0001\u001f\u007f', '</script><!--', '\u2028\u2029']],
  ['unicode and surrogates', ['é→中文 😀', '\ud800', 'a\udfffb', '\udbff\udc00', '\udc00\ud800']],
  ['empty containers', { a: [], o: {}, nested: [[], [{}], { e: [] }] }],
  ['an empty array and object at the top', []],
  ['an empty object at the top', {}],
  ['undefined, functions and symbols: left out of objects, null in arrays', { a: undefined, f: () => 1, s: Symbol('s'), keep: 1, arr: [undefined, () => 1, Symbol('t'), 2] }],
  ['an object whose every value is left out', { nested: { a: undefined, b: () => 0 }, list: [{ a: undefined }] }],
  ['sparse arrays', [1, , 3]], // eslint-disable-line no-sparse-arrays
  ['nested arrays and objects', { a: [1, [2, [3, [4, { b: [5, { c: 'd' }] }]]]], e: { f: { g: { h: [] } } } }],
  ['toJSON, called with the key', { p: new Point(1, 2), list: [new Point(3, 4)], d: new Date(0) }],
  ['toJSON at the top', new Point(5, 6)],
  ['toJSON below array elements, called with its own key', [{ when: new Point(1, 2), list: [new Point(3, 4), { d: new Date(1) }] }, { when: new Point(5, 6) }]],
  ['array elements too big to be written whole, next to small ones', [{ big: Array.from({ length: 2000 }, (_, i) => ({ i })) }, { small: 1 }, Array.from({ length: 700 }, (_, i) => [i])]],
  ['toJSON returning undefined', { gone: { toJSON: () => undefined }, list: [{ toJSON: () => undefined }] }],
  ['toJSON returning a container with a toJSON (not called again)', { v: { toJSON: () => ({ toJSON: () => 'second', x: 1 }) } }],
  ['boxed primitives', [new String('s'), new Number(3), new Boolean(false), { n: new Number(-1) }]], // eslint-disable-line no-new-wrappers
  ['typed arrays, maps and sets', { u: new Uint8Array([1, 2]), m: new Map([[1, 2]]), s: new Set([1]) }],
  ['keys that need escaping, and numeric keys first', { 'a"b': 1, '\n': 2, '2': 'two', '1': 'one', é: 3, '': 4 }],
  ['a report document', { tool: 'ascendify', options: { passes: ['a', 'b'], unsafe: false }, summary: { changesByPass: { a: 2 } }, changes: [record(1), record(2)], notes: [] }],
];

describe('jsonChunks', () => {
  it.each(SHAPES)('%s: the text of JSON.stringify, compact and indented', (_, value) => {
    for (const indent of [0, 2, 4]) expect(text(value, indent)).toBe(JSON.stringify(value, null, indent));
    expect(text(value)).toBe(JSON.stringify(value));
  });

  it('yields nothing where JSON.stringify gives undefined', () => {
    for (const value of [undefined, () => 1, Symbol('x'), { toJSON: () => undefined }]) {
      expect(JSON.stringify(value)).toBeUndefined();
      expect([...jsonChunks(value, 2)]).toEqual([]);
    }
  });

  it('caps the indentation at 10 spaces, as JSON.stringify does', () => {
    const value = { a: [1, { b: 2 }] };
    for (const indent of [10, 12, -1, 2.7]) expect(text(value, indent)).toBe(JSON.stringify(value, null, indent));
  });

  it('cuts a large document into pieces of about CHUNK_CHARS, with the same text', () => {
    const doc = { changes: Array.from({ length: 5000 }, (_, i) => record(i)), big: { inner: Array.from({ length: 3000 }, (_, i) => [i, { k: `v${i}` }]) } };
    const pieces = [...jsonChunks(doc, 2)];
    expect(pieces.join('')).toBe(JSON.stringify(doc, null, 2));
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces.slice(0, -1)) {
      expect(p.length).toBeGreaterThanOrEqual(CHUNK_CHARS);
      expect(p.length).toBeLessThan(2 * CHUNK_CHARS);
    }
  });

  it('long arrays mixing what JSON.stringify writes in runs with what is walked, at any depth, give the same text', () => {
    const mixed = Array.from({ length: 6000 }, (_, i) =>
      i % 7 === 0 ? new Point(i, -i) : i % 11 === 0 ? { deep: [record(i), [i]] } : i % 13 === 0 ? 'x'.repeat(i) : i % 17 === 0 ? undefined : i % 2 ? record(i) : [i, null, 'é'],
    );
    const value = { a: { b: [[mixed], { c: mixed.slice(0, 700) }] }, top: mixed.slice(100, 400) };
    for (const indent of [0, 2, 4]) expect(text(value, indent)).toBe(JSON.stringify(value, null, indent));
    expect(text(mixed, 2)).toBe(JSON.stringify(mixed, null, 2));
  });

  it('throws where JSON.stringify throws: a cycle, a BigInt', () => {
    const cyclic: Record<string, unknown> = { a: [1] };
    cyclic.self = { back: cyclic };
    expect(() => JSON.stringify(cyclic)).toThrow(TypeError);
    expect(() => text(cyclic, 2)).toThrow(TypeError);
    const list: unknown[] = [];
    list.push([list]);
    expect(() => text(list)).toThrow(TypeError);
    expect(() => text({ n: [{ big: 1n }] })).toThrow(TypeError);
  });

  it('a value seen twice without a cycle is written twice', () => {
    const shared = { x: [1, 2] };
    const value = { a: shared, b: [shared, shared] };
    expect(text(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});

describe('jsonFileChunks', () => {
  it('is the report file text: two-space JSON and a final newline', () => {
    const doc = SHAPES[SHAPES.length - 1][1];
    expect([...jsonFileChunks(doc)].join('')).toBe(JSON.stringify(doc, null, 2) + '\n');
  });
});
