import { parse } from './parser';
import { Bindings, importRows } from './bindings';

/** Qualified names of every `name` reference in the code, in order ('-' when it does not resolve). */
function resolveAll(code: string, name: string): string[] {
  const root = parse(code).rootNode;
  const b = new Bindings(root);
  return b.references(name).map((n) => b.resolve(n) ?? '-');
}

describe('Bindings', () => {
  it('resolves the import forms', () => {
    const code = [
      'import torch as th',
      'import torch.cuda',
      'import torch.cuda as tc',
      'from torch import cuda',
      'from torch.cuda import amp as A',
      'from torch.cuda.amp import autocast',
      'th; torch; tc; cuda; A; autocast',
      '',
    ].join('\n');
    const root = parse(code).rootNode;
    const b = new Bindings(root);
    const names = ['th', 'torch', 'tc', 'cuda', 'A', 'autocast'];
    expect(names.map((n) => b.resolve(b.references(n)[0]))).toEqual([
      'torch',
      'torch',
      'torch.cuda',
      'torch.cuda',
      'torch.cuda.amp',
      'torch.cuda.amp.autocast',
    ]);
  });

  it('qualifies attribute chains', () => {
    const root = parse('import torch as th\nx = th.cuda.amp.GradScaler\n').rootNode;
    const b = new Bindings(root);
    const attr = root.descendantsOfType('attribute').find((a) => a.text === 'th.cuda.amp.GradScaler')!;
    expect(b.qualify(attr)).toBe('torch.cuda.amp.GradScaler');
  });

  it('knows parameters, locals, loop and with targets shadow the module', () => {
    const code = [
      'import torch',
      'def a(torch): torch',
      'def b():',
      '    torch = 1',
      '    torch',
      'def c(xs):',
      '    for torch in xs: torch',
      'def d():',
      '    with open(p) as torch: torch',
      'def e():',
      '    try: pass',
      '    except E as torch: torch',
      'f = lambda torch: torch',
      'g = [torch for torch in xs]',
      'class K:',
      '    torch = 1',
      '    def m(self): return torch',
      'def h(): return torch',
      '',
    ].join('\n');
    // each shadowed use resolves to nothing; the method and h() see the module
    expect(resolveAll(code, 'torch')).toEqual(['-', '-', '-', '-', '-', '-', '-', 'torch', 'torch']);
  });

  it('keeps the module through except-fallbacks, and follows global', () => {
    const code = 'try:\n    import torch\nexcept ImportError:\n    torch = None\ndef f():\n    global torch\n    torch = g()\n    return torch\n';
    expect(resolveAll(code, 'torch')).toEqual(['torch']);
  });

  it('treats a module-level rebinding as ambiguous', () => {
    expect(resolveAll('import torch\ntorch = Proxy()\ntorch.cuda\n', 'torch')).toEqual(['-']);
  });

  it('treats conflicting imports of one name as ambiguous', () => {
    const code = 'try:\n    from torch.amp import GradScaler\nexcept ImportError:\n    from torch.cuda.amp import GradScaler\nGradScaler()\n';
    expect(resolveAll(code, 'GradScaler')).toEqual(['-']);
  });

  it('resolves function-local imports in their function only', () => {
    const code = 'def f():\n    import torch\n    torch.cuda\ndef g():\n    torch.cuda\n';
    expect(resolveAll(code, 'torch')).toEqual(['torch', '-']);
  });

  it('does not count attribute names, keywords or import statements as references', () => {
    const root = parse('import torch\nx.torch = f(torch=1)\n').rootNode;
    expect(new Bindings(root).references('torch')).toEqual([]);
  });

  it('importsModule ignores TYPE_CHECKING and function-level imports', () => {
    const tc = new Bindings(parse('from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n').rootNode);
    expect(tc.importsModule('torch')).toBe(false);
    const fn = new Bindings(parse('def f():\n    import torch\n').rootNode);
    expect(fn.importsModule('torch')).toBe(false);
    const ok = new Bindings(parse('from torch.utils.data import DataLoader\n').rootNode);
    expect(ok.importsModule('torch')).toBe(true);
  });
});

describe('Bindings: star imports (issue 10, item 7)', () => {
  const star = (code: string, facts?: { module: string; names: Record<string, string> | null }[]) =>
    new Bindings(parse(code).rootNode).useStarExports(facts);
  const resolved = (b: Bindings, name: string) => b.references(name).map((n) => b.resolve(n) ?? '-');

  it('a followed star import binds the module names its module exports, recorded per use', () => {
    const b = star('from utils import *\nx = nn.Linear\ndef f():\n    return torch.ones(1)\n', [{ module: 'utils', names: { torch: 'torch', nn: 'torch.nn' } }]);
    expect(resolved(b, 'nn')).toEqual(['torch.nn']);
    expect(resolved(b, 'torch')).toEqual(['torch']);
    expect([...b.starUses.values()].map((u) => [u.local, u.via, u.assumed])).toEqual([
      ['nn', 'from utils import *', false],
      ['torch', 'from utils import *', false],
    ]);
    expect(b.importsModule('torch')).toBe(true);
  });

  it('the file’s own imports and assignments win; locals shadow', () => {
    expect(resolved(star('from utils import *\nimport numpy as torch\ntorch.x\n', [{ module: 'utils', names: { torch: 'torch' } }]), 'torch')).toEqual(['numpy']);
    expect(resolved(star('from utils import *\ntorch = None\ntorch.x\n', [{ module: 'utils', names: { torch: 'torch' } }]), 'torch')).toEqual(['-']);
    expect(resolved(star('from utils import *\ndef f(torch):\n    torch.x\n'), 'torch')).toEqual(['-']);
  });

  it('not followed: only a free `torch` is assumed, and counts as importing torch only where it is read', () => {
    const b = star('from utils import *\ny = th.x + torch.y\n');
    expect(resolved(b, 'th')).toEqual(['-']);
    expect(resolved(b, 'torch')).toEqual(['torch']);
    expect([...b.starUses.values()].map((u) => u.assumed)).toEqual([true]);
    expect(star('from tkinter import *\nmainloop()\n').importsModule('torch')).toBe(false);
    // followed without torch: nothing assumed
    expect(resolved(star('from utils import *\ntorch.y\n', [{ module: 'utils', names: {} }]), 'torch')).toEqual(['-']);
    // no star import at all: nothing assumed
    expect(resolved(star('torch.y\n'), 'torch')).toEqual(['-']);
  });
});

describe('Bindings.imports walks only the rows between the first and the last `import`', () => {
  const show = (b: Bindings) => b.imports.map((s) => `${s.node.startIndex}-${s.node.endIndex}`);
  const whole = (code: string) =>
    parse(code)
      .rootNode.descendantsOfType(['import_statement', 'import_from_statement'])
      .map((n) => `${n.startIndex}-${n.endIndex}`);

  it('finds every import statement a whole walk finds', () => {
    const cases = [
      'import torch\nx = 1\n',
      'x = 1\n\n\nfrom a import (\n  b,\n  c)\ny = 2\n',
      'from a \\\n  import b\nz = 3\n', // the statement starts a row before its keyword
      'def f():\n    import os\n    return os\n\nclass C:\n    from x import y\n',
      '"""import nothing"""\nx = 1\n', // the word in a docstring only widens the window
      'important = 1\n',
      'x = 1  # no imports\n',
      'if a:\n    import b\nelse:\n    import c\n\n\n\nimport d',
      'x = 1\r\nimport a\r\ny = 2\r\nimport b\r\n', // CRLF
      'x = 1\rimport a\ry = 2\r', // lone CR: tree-sitter counts rows the text does not
    ];
    for (const code of cases) {
      const b = new Bindings(parse(code).rootNode);
      expect([code, show(b)]).toEqual([code, whole(code)]);
    }
    expect(whole(cases[2])).toHaveLength(1);
    expect(whole(cases[7])).toHaveLength(3);
  });

  it('gives the window from the rows, or null / undefined', () => {
    expect(importRows('x = 1\n\nimport a\ny\nfrom b import c\nz\n')).toEqual([{ row: 2, column: 0 }, { row: 5, column: 0 }]);
    expect(importRows('x = 1\n')).toBeNull();
    expect(importRows('x = 1\rimport a\n')).toBeUndefined();
  });
});
