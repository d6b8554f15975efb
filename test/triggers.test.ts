/**
 * The cheap path rests on the triggers: a file whose text a pass's `triggers`
 * (or the analysis's PYTHON_TRIGGERS) rejects is never parsed for it, so the
 * pass or the analysis must have nothing to say about it. Checked here by
 * running them anyway (trigger forced open, --unsafe and --transfer-to-npu on)
 * on every file of real code they reject: the golden inputs, the pass fixtures,
 * the CPython standard library (which has many `__main__` blocks, `Generator`s
 * and distutils imports without torch), and hand-made near misses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertSource } from '../src/core/pipeline';
import type { Pass } from '../src/core/pass';
import { parse, syntaxErrors } from '../src/python/parser';
import { Bindings } from '../src/python/bindings';
import { releaseTrees } from '../src/python/tree-cache';
import { analyzePython, analyzePythonTree, PYTHON_TRIGGERS } from '../src/analysis/python';
import { PASSES } from '../transforms';
import { pyFiles, stdlibDir } from './python';

const forced = (p: Pass): Pass => ({ ...p, triggers: /(?:)/ });

/** What a pass or the analysis says about a text its trigger rejects ('' when nothing). */
function complaints(label: string, text: string): string[] {
  const out: string[] = [];
  try {
    const tree = parse(text);
    if (syntaxErrors(tree).count > 0) return [];
    for (const p of PASSES) {
      if (p.triggers.test(text)) continue;
      const r = convertSource(text, { passes: [forced(p)], unsafe: true, passOptions: { transferToNpu: true } });
      if (r.changed || r.changes.length || r.manual.length) out.push(`${label}: ${p.id} rejects the file but reports ${JSON.stringify([...r.changes, ...r.manual][0])}`);
    }
    if (!PYTHON_TRIGGERS.test(text)) {
      const root = parse(text).rootNode;
      const a = analyzePythonTree(root, Bindings.of(root), text);
      if (a.findings.length) out.push(`${label}: PYTHON_TRIGGERS rejects the file but the analysis finds ${JSON.stringify(a.findings[0])}`);
    }
  } finally {
    releaseTrees();
  }
  return out;
}

const read = (f: string) => {
  try {
    return fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return '';
  }
};

describe('a file its trigger rejects gets nothing from a pass or the analysis', () => {
  const root = path.resolve(__dirname, '..');

  it('golden inputs and pass fixtures', () => {
    const files = [...pyFiles(path.join(root, 'golden')), ...pyFiles(path.join(root, 'transforms'))];
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => complaints(f, read(f)))).toEqual([]);
  });

  it('the CPython standard library (every 2nd file, for time)', () => {
    const files = pyFiles(stdlibDir()).filter((_, i) => i % 2 === 0);
    expect(files.length).toBeGreaterThan(100);
    // the narrowed triggers are exercised: files with the old trigger words that the new ones reject
    const inject = PASSES.find((p) => p.id === 'inject-torch-npu')!;
    const texts = files.map((f) => [f, read(f)] as const);
    expect(texts.filter(([, t]) => /npu|__main__/.test(t) && !inject.triggers.test(t)).length).toBeGreaterThan(100);
    expect(texts.filter(([, t]) => /distutils/.test(t) && !PYTHON_TRIGGERS.test(t)).length).toBeGreaterThan(10);
    expect(texts.flatMap(([f, t]) => complaints(f, t)).slice(0, 10)).toEqual([]);
  });

  it.each([
    ['entry file without torch', 'import numpy as np\n\nif __name__ == "__main__":\n    np.zeros(3)\n'],
    ['input, not npu', 'def f(inputs):\n    x = input("npu? ")\n    return inputs.npu_count\n\nif __name__ == "__main__":\n    f(1)\n'],
    ['Generator without torch', 'from typing import Generator\n\ndef f() -> Generator[int, None, None]:\n    yield 1\ng = Generator()\n'],
    ['distutils without setup()', 'from distutils.core import Extension\nfrom distutils import log\nlog.info("x")\n'],
    ['setuptools, setup attribute only', 'import setuptools\nprint(setuptools.setup)\n'],
    ['a load() of another package', 'from mylib import load, autocast\nm = load("ViT-B/32")\nwith autocast(True):\n    pass\n'],
    ['clipboard, not clip', 'import clipboard\nclipboard.load("x")\n'],
  ])('%s', (label, text) => {
    expect(complaints(label, text)).toEqual([]);
  });

  it.each([
    ['entry file with torch', 'import torch\n\nif __name__ == "__main__":\n    torch.zeros(3)\n', 'inject-torch-npu'],
    ['x.npu()', 'def f(x):\n    return x.npu()\n', 'inject-torch-npu'],
    ['is_npu', 'def f(x):\n    return x.is_npu\n', 'inject-torch-npu'],
    ['npu device string', 'def f(x):\n    return x.to(f"npu:{0}")\n', 'inject-torch-npu'],
    ['torch.Generator', 'import torch\ng = torch.Generator(device="cuda")\nloader = torch.utils.data.DataLoader(ds, generator=g)\n', 'generator-to-cpu'],
  ])('still triggered: %s', (_label, text, id) => {
    expect(PASSES.find((p) => p.id === id)!.triggers.test(text)).toBe(true);
  });

  it('still triggered: the third-party functions with CUDA defaults', () => {
    for (const text of [
      'from timm.utils import NativeScaler\ns = NativeScaler()\n',
      'import clip\nm = clip.load("ViT-B/32")\n',
      'from mmdet.apis import init_detector\nm = init_detector(c)\n',
      'from mmseg.apis import init_model\nm = init_model(c)\n',
      'from ultralytics.utils.torch_utils import autocast\nwith autocast(True):\n    pass\n',
    ]) {
      expect(PYTHON_TRIGGERS.test(text)).toBe(true);
      expect(analyzePython(text).findings.map((f) => f.ruleId)).toEqual(['third-party/cuda-default']);
    }
  });

  it('still triggered: setup() from setuptools or distutils', () => {
    expect(PYTHON_TRIGGERS.test('from setuptools import setup\nsetup(install_requires=["cupy"])\n')).toBe(true);
    expect(PYTHON_TRIGGERS.test('import distutils.core\ndistutils.core.setup (ext_modules=[])\n')).toBe(true);
  });
});
