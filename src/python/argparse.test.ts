import { parse } from './parser';
import { argparseOptions, destFromFlags, isIntOption } from './argparse';

describe('argparseOptions', () => {
  it('reads flags, dest, default, choices and type', () => {
    const root = parse(
      [
        'import argparse',
        'p = argparse.ArgumentParser()',
        'p.add_argument("--dist-backend", default="nccl", type=str, help="backend")',
        "g = p.add_argument_group('dev')",
        "g.add_argument('-d', '--device', default='cuda', choices=['cuda', 'cpu'])",
        'p.add_argument("--local_rank", "--local-rank", type=int, default=-1)',
        'p.add_argument("--gpu", dest="gpu_id", type=int)',
        'p.add_argument("data")',
        'p.set_defaults(device="cuda:0")',
        '',
      ].join('\n'),
    ).rootNode;
    const opts = argparseOptions(root);
    expect(opts.map((o) => [o.flags.join(' '), o.dest, o.default?.text ?? null, o.choices?.text ?? null, isIntOption(o)])).toEqual([
      ['--dist-backend', 'dist_backend', '"nccl"', null, false],
      ['-d --device', 'device', "'cuda'", "['cuda', 'cpu']", false],
      ['--local_rank --local-rank', 'local_rank', '-1', null, true],
      ['--gpu', 'gpu_id', null, null, true],
      ['data', 'data', null, null, false],
      ['', 'device', '"cuda:0"', null, false],
    ]);
  });

  it('derives dest like argparse', () => {
    expect(destFromFlags(['-b', '--dist-backend'])).toBe('dist_backend');
    expect(destFromFlags(['-j'])).toBe('j');
    expect(destFromFlags([])).toBeNull();
  });
});
