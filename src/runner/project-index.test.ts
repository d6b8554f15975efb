import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProjectIndex, fileFacts, scanImports } from './project-index';

function repo(files: Record<string, string>): { dir: string; list: { rel: string; abs: string; size: number }[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-index-'));
  const list = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([rel, text]) => {
      const abs = path.join(dir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
      return { rel, abs, size: Buffer.byteLength(text) };
    });
  return { dir, list };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function index(files: Record<string, string>) {
  const r = repo(files);
  dirs.push(r.dir);
  return buildProjectIndex(r.list, 10 * 1024 * 1024);
}

describe('scanImports', () => {
  it('reads the import forms, continuations and comments', () => {
    const text = [
      'import os, torch.nn as nn  # c',
      'from . import a',
      'from ..pkg.mod import (x,',
      '    y as z,  # why',
      ')',
      'from utils import *',
      'from a.b \\',
      '    import c',
      '    import lazy',
      'x = "import fake"',
      'importlib = 1',
    ].join('\n');
    expect(scanImports(text)).toEqual([
      { level: 0, module: 'os', names: [] },
      { level: 0, module: 'torch.nn', names: [] },
      { level: 1, module: '', names: ['a'] },
      { level: 2, module: 'pkg.mod', names: ['x', 'y'] },
      { level: 0, module: 'utils', names: ['*'] },
      { level: 0, module: 'a.b', names: ['c'] },
      { level: 0, module: 'lazy', names: [] },
    ]);
  });
});

describe('buildProjectIndex: import graph', () => {
  it('marks what other modules import: plain, relative, from-package submodules, package inits, lazy imports', () => {
    const p = index({
      'train.py': 'import torch\nfrom model import Net\nimport utils.helpers as h\n\nmain()\n',
      'model.py': 'import torch\nif __name__ == "__main__":\n    print(1)\n',
      'utils/__init__.py': '',
      'utils/helpers.py': 'from . import io\nfrom .metrics import acc\n',
      'utils/io.py': '',
      'utils/metrics.py': '',
      'tools/eval.py': 'def f():\n    import evaluate_lib\n',
      'tools/evaluate_lib.py': '',
      'scripts/run.py': 'import os\nos.system("x")\n',
    });
    expect(p.imported).toEqual(['model.py', 'tools/evaluate_lib.py', 'utils/__init__.py', 'utils/helpers.py', 'utils/io.py', 'utils/metrics.py']);
    expect(fileFacts(p, 'train.py')).toEqual({ importedByOthers: false });
    expect(fileFacts(p, 'model.py')).toEqual({ importedByOthers: true });
  });

  it("resolves from the importer's folder up to the root, and by path suffix only when nothing else does", () => {
    const p = index({
      'a/run.py': 'import common\n',
      'a/common.py': '',
      'common.py': '',
      'b/run.py': 'import shared.cfg\n',
      'lib/shared/cfg.py': '',
      'c/run.py': 'import os, sys, json\n',
    });
    // a/run.py finds a/common.py first (its own folder is sys.path[0]); the root common.py is imported by nobody
    expect(p.imported).toEqual(['a/common.py', 'lib/shared/cfg.py']);
  });

  it('a file importing itself does not count', () => {
    expect(index({ 'solo.py': 'import solo\nmain()\n' }).imported).toEqual([]);
  });
});

describe('buildProjectIndex: star imports', () => {
  it('follows a star import to the module names it exports', () => {
    const p = index({
      'train.py': 'from utils import *\nok = torch.cuda.is_available()\n',
      'utils.py': 'import torch\nimport torch.nn as nn\nimport numpy as _np\nfrom torch.cuda import amp\nx = 1\n',
    });
    expect(p.stars).toEqual({ 'train.py': [{ module: 'utils', names: { amp: 'torch.cuda.amp', nn: 'torch.nn', torch: 'torch' } }] });
    expect(fileFacts(p, 'train.py').stars).toEqual(p.stars['train.py']);
  });

  it('follows star imports only in files the engine reads (engineReads), still counting their imports', () => {
    const r = repo({
      'train.py': 'from utils import *\nok = torch.cuda.is_available()\n',
      'plain.py': 'from utils import *\nprint(VERSION)\n',
      'utils.py': 'import torch\nVERSION = 1\n',
    });
    dirs.push(r.dir);
    const p = buildProjectIndex(r.list, 10 * 1024 * 1024, (text) => text.includes('cuda'));
    expect(Object.keys(p.stars)).toEqual(['train.py']);
    expect(p.imported).toEqual(['utils.py']);
  });

  it('honours a literal __all__, follows nested and relative star imports, survives cycles', () => {
    const p = index({
      'pkg/__init__.py': '',
      'pkg/a.py': 'from .b import *\n',
      'pkg/b.py': '__all__ = ["nn", "helper"]\nimport torch\nfrom torch import nn\nfrom .c import *\n',
      'pkg/c.py': 'import torch as helper\nfrom .b import *\n',
    });
    expect(p.stars['pkg/a.py']).toEqual([{ module: '.b', names: { helper: 'torch', nn: 'torch.nn' } }]);
    expect(p.stars['pkg/c.py']).toEqual([{ module: '.b', names: { helper: 'torch', nn: 'torch.nn' } }]);
  });

  it('a star import leading outside the repository is not followed (names: null)', () => {
    const p = index({ 'plot.py': 'from pylab import *\nfrom os.path import *\nplot()\n' });
    expect(p.stars['plot.py']).toEqual([
      { module: 'pylab', names: null },
      { module: 'os.path', names: null },
    ]);
  });

  it('a module-level binding of the exporter that shadows its import is not exported as the module', () => {
    const p = index({ 'm.py': 'from u import *\n', 'u.py': 'import torch\ntorch = None\n' });
    expect(p.stars['m.py']).toEqual([{ module: 'u', names: {} }]);
  });
});
