import { parse } from './parser';
import { Bindings } from './bindings';
import { envNameSites } from './environ';

function sites(code: string): string[] {
  const root = parse(code).rootNode;
  return envNameSites(root, new Bindings(root)).map((s) => `${s.access}:${s.name}:${code.slice(s.start, s.end)}`);
}

describe('envNameSites', () => {
  it('finds every access form through os', () => {
    const code = [
      'import os',
      'os.environ["CUDA_VISIBLE_DEVICES"] = "0,1"',
      'a = os.getenv("NCCL_DEBUG")',
      "b = os.environ.get('LOCAL_RANK', 0)",
      'os.environ.setdefault("MASTER_PORT", "29500")',
      'if "RANK" in os.environ and "X" not in os.environ:',
      '    del os.environ["WORLD_SIZE"]',
      'os.environ.update({"A": "1"}, B="2")',
      'os.environ.pop("C", None)',
      'os.putenv("D", "1")',
      'env = dict(os.environ, E="1")',
      '',
    ].join('\n');
    expect(sites(code)).toEqual([
      'write:CUDA_VISIBLE_DEVICES:CUDA_VISIBLE_DEVICES',
      'read:NCCL_DEBUG:NCCL_DEBUG',
      'read:LOCAL_RANK:LOCAL_RANK',
      'write:MASTER_PORT:MASTER_PORT',
      'test:RANK:RANK',
      'test:X:X',
      'delete:WORLD_SIZE:WORLD_SIZE',
      'write:A:A',
      'write:B:B',
      'delete:C:C',
      'write:D:D',
      'write:E:E',
    ]);
  });

  it('follows from-imports and aliases', () => {
    const code = 'from os import environ, getenv as ge\nimport os as _os\nx = environ["A"]\ny = ge("B")\nz = _os.environ["C"]\n';
    expect(sites(code)).toEqual(['read:A:A', 'read:B:B', 'read:C:C']);
  });

  it('reads env= dictionaries of process calls, or ones that spread os.environ', () => {
    const code = 'import os, subprocess\nsubprocess.run(cmd, env={"CUDA_VISIBLE_DEVICES": "1"})\nlaunch(env={**os.environ, "NCCL_DEBUG": "INFO"})\nmake_env(env={"name": "CartPole"})\n';
    expect(sites(code)).toEqual(['write:CUDA_VISIBLE_DEVICES:CUDA_VISIBLE_DEVICES', 'write:NCCL_DEBUG:NCCL_DEBUG']);
  });

  it('ignores look-alikes', () => {
    const code = [
      'import os',
      'environ = {}',
      'environ["CUDA_VISIBLE_DEVICES"] = 1',
      'cfg["CUDA_VISIBLE_DEVICES"] = 1',
      'print("set CUDA_VISIBLE_DEVICES first")',
      '# os.environ["CUDA_VISIBLE_DEVICES"] = "0"',
      'x = os.environ[key]',
      'y = os.environ[f"{p}_RANK"]',
      '',
    ].join('\n');
    expect(sites(code)).toEqual([]);
  });
});
