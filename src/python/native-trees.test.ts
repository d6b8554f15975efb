/**
 * The native helper (native-trees.ts, native/trees.cc): the engine frees each
 * tree when it is done with it, a freed tree reads as an error (never a crash),
 * and a helper that fails its check is not used.
 */
import { liveTreeCount, parse, reparse, treesFreedOnRequest } from './parser';
import { nativeTrees, nativeTreesStatus } from './native-trees';
import { releaseTrees } from './tree-cache';
import { convertFile } from '../runner/convert-file';
import { PASSES } from '../../transforms';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pyFiles } from '../../test/python';

const helper = () => {
  parse('x = 1\n');
  releaseTrees();
  return nativeTrees(() => 'checked already');
};

describe('the native helper', () => {
  it('is in use when built (npm ci builds it)', () => {
    expect(helper()).toBeDefined();
    expect(treesFreedOnRequest()).toBe(true);
    expect(nativeTreesStatus()).toBe('in use');
  });

  it("frees a file's trees when the file is done, the spent one of a reparse at once", () => {
    const h = helper()!;
    const text = 'import torch\nx = a.cuda()\n';
    const first = parse(text);
    const firstNative = first.native!;
    expect(first.rootNode.type).toBe('module');
    const next = reparse(first, text, [{ start: 20, end: 24, content: 'npu' }], 'import torch\nx = a.npu()\n');
    expect(h.deleteTree(firstNative)).toBe(false); // freed by reparse: the new tree has what it reused
    expect(liveTreeCount()).toBe(1);
    const nextNative = next.native!;
    const call = next.rootNode.descendantsOfType('call')[0]; // copied now: readable after the release
    const other = parse('y = 2\n');
    const otherNative = other.native!;
    expect(liveTreeCount()).toBe(2);
    releaseTrees();
    expect(liveTreeCount()).toBe(0);
    expect([next.native, other.native]).toEqual([undefined, undefined]);
    expect([h.deleteTree(nextNative), h.deleteTree(otherNative)]).toEqual([false, false]);
    // the copies made before stay readable
    expect([call.text, call.parent!.type]).toEqual(['a.npu()', 'assignment']);
  });

  it('a tree freed before it was copied reads as an error, not a crash', () => {
    const h = helper()!;
    const tree = parse('z = 3\n');
    const native = tree.native!;
    releaseTrees();
    expect(() => tree.rootNode).toThrow('released before it was read');
    expect(() => h.exportTree(native)).toThrow('the tree was deleted');
    expect(() => h.exportTree({} as never)).toThrow('not a tree-sitter Tree');
  });

  it('leaves no tree held after converting a file over several rounds', () => {
    const src = 'import torch\nm = torch.nn.DataParallel(net).cuda()\ndevice = torch.device("cuda:0")\nif torch.cuda.is_available():\n    torch.cuda.synchronize()\n';
    const r = convertFile('train.py', Buffer.from(src), { passIds: PASSES.map((p) => p.id), unsafe: false, transferToNpu: false, maxFileSize: 1 << 20 });
    expect(r.status).toBe('changed');
    expect(liveTreeCount()).toBe(0);
  });

  it('gives the memory of spent trees back without a GC', () => {
    helper();
    const line = 'x = torch.zeros(3, device="cuda").cuda() + f(a, b[1:2], {"k": v})\n';
    const text = line.repeat(Math.ceil((1 << 20) / line.length)); // 1 MiB: ~50 MB of native tree
    const before = process.memoryUsage.rss();
    for (let i = 0; i < 24; i++) {
      parse(text + '#'.repeat(i)); // not the parser's cached tree
      releaseTrees();
    }
    // held until a GC, 24 such trees would take over 1 GB
    expect(process.memoryUsage.rss() - before).toBeLessThan(300 * 1024 * 1024);
  });
});

describe("the helper's check (helperCopyDiffers in mirror.ts)", () => {
  it('finds a copy that differs from the walk through the binding, and wrong names', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const Parser = require('tree-sitter') as typeof import('tree-sitter');
      const Python = require('tree-sitter-python') as import('tree-sitter').Language;
      const { nativeTrees } = require('./native-trees') as typeof import('./native-trees');
      const { helperCopyDiffers } = require('./mirror') as typeof import('./mirror');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const real = nativeTrees(() => undefined)!; // loaded, not in use by this registry's mirror
      const p = new Parser();
      p.setLanguage(Python);
      const text = 'import torch\nx = f(a, b=1)\n';
      const parsed = () => p.parse(text);
      expect(helperCopyDiffers(real, parsed(), text)).toBeUndefined();
      const shifted = {
        ...real,
        exportTree: (t: import('tree-sitter').Tree) => {
          const buffer = real.exportTree(t);
          new Uint32Array(buffer, 0, 1)[0] += 1; // the root's start
          return buffer;
        },
      };
      expect(helperCopyDiffers(shifted, parsed(), text)).toBe('node 0: starts 1 instead of 0');
      const misnamed = { ...real, symbolName: (t: import('tree-sitter').Tree, s: number): [string, boolean] => [real.symbolName(t, s)[0] + '_', true] };
      expect(helperCopyDiffers(misnamed, parsed(), text)).toMatch(/^symbol \d+: module_\/true instead of module\/true$/);
    });
  });
});

describe("the helper's copy (native/export.c) on broken code", () => {
  it('is the walk through the binding, node by node, for damaged variants of the golden inputs and the pass fixtures', () => {
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const Parser = require('tree-sitter') as typeof import('tree-sitter');
      const Python = require('tree-sitter-python') as import('tree-sitter').Language;
      const { nativeTrees } = require('./native-trees') as typeof import('./native-trees');
      const { helperCopyDiffers } = require('./mirror') as typeof import('./mirror');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const real = nativeTrees(() => undefined)!; // loaded, not in use by this registry's mirror (which then walks the binding)
      const p = new Parser();
      p.setLanguage(Python);
      // The export walks tree-sitter's subtrees itself (hidden nodes, aliases,
      // extras, inherited fields, ERROR and MISSING nodes); damaged code makes
      // every kind of them. A seeded generator keeps the cases the same.
      let seed = 7;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
      const junk = ['(', ')', '[', ']', '{', '}', ':', 'def ', 'if ', '\n  ', '"', "'''", 'lambda', ',', '=', '@', 'print ', '**', '\t', 'async ', 'match x:\n case ', '\\\n', 'f"{', '# c\n', ';'];
      const root = path.join(__dirname, '..', '..');
      const files = [...pyFiles(path.join(root, 'golden')), ...pyFiles(path.join(root, 'transforms'))];
      let checked = 0;
      let broken = 0;
      const differs: string[] = [];
      for (const file of files) {
        let text = fs.readFileSync(file, 'utf8').replace(/\r(?!\n)/g, '\n');
        for (let m = 0; m < 4; m++) {
          const at = rnd(text.length + 1);
          text = rnd(2) ? text.slice(0, at) + junk[rnd(junk.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + rnd(40));
          const tree = p.parse(text);
          if (tree.rootNode.hasError) broken++;
          const why = helperCopyDiffers(real, tree, text);
          if (why) differs.push(`${path.relative(root, file)} #${m}: ${why}`);
          checked++;
        }
      }
      expect(differs).toEqual([]);
      expect(checked).toBeGreaterThan(400);
      expect(broken).toBeGreaterThan(checked / 2);
    });
  });
});

describe('a helper built against another tree-sitter', () => {
  it('is not used (it would read the binding by another layout), and says how to rebuild it', () => {
    jest.isolateModules(() => {
      jest.doMock('tree-sitter/package.json', () => ({ version: '0.0.1' }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./native-trees') as typeof import('./native-trees');
      const check = jest.fn(() => undefined);
      expect(fresh.nativeTrees(check)).toBeUndefined();
      expect(check).not.toHaveBeenCalled(); // never handed a tree
      expect(fresh.nativeTreesStatus()).toMatch(/^built against tree-sitter \d+\.\d+\.\d+, 0\.0\.1 is installed \(run `npm install` to rebuild it\)$/);
    });
    jest.dontMock('tree-sitter/package.json');
  });
});

describe('a helper that fails its check', () => {
  it.each([
    ['answers differently', () => 'node 3: 1,2,3 instead of 1,2,4'],
    ['throws', () => {
      throw new Error('boom');
    }],
  ])('is not used when its check %s', (_label, check) => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./native-trees') as typeof import('./native-trees');
      expect(fresh.nativeTrees(check)).toBeUndefined();
      expect(fresh.nativeTreesStatus()).toMatch(/^disagrees with the tree-sitter binding \((node 3|boom)/);
    });
  });
});
