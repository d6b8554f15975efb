/**
 * CPython's own parser as the judge of "does the output parse".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The Debian interpreter when present (its stdlib is what the stdlib test converts), else python3 on PATH. */
export function python(): string {
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

const CHECK = `
import ast, json, sys, warnings
warnings.simplefilter("ignore")
bad = []
for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as f:
            ast.parse(f.read(), filename=path)
    except (SyntaxError, ValueError) as e:
        bad.append({"file": path, "error": f"{type(e).__name__}: {e}"})
json.dump(bad, sys.stdout)
`;

/** Files CPython cannot parse, with the error (empty when all parse). */
export function cpythonParseErrors(files: string[]): { file: string; error: string }[] {
  if (files.length === 0) return [];
  const r = spawnSync(python(), ['-c', CHECK], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { file: string; error: string }[];
}

export function stdlibDir(): string {
  return execFileSync(python(), ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
}

/** Every `.py` file under `dir`, sorted, recursively (symbolic links not followed). */
export function pyFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) pyFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

const COMPILE = `
import json, sys, warnings
warnings.simplefilter("ignore")
out = []
for src in json.load(sys.stdin):
    try:
        compile(src, "<case>", "exec", dont_inherit=True)
        out.append(None)
    except (SyntaxError, ValueError) as e:
        out.append(f"{type(e).__name__}: {e}")
json.dump(out, sys.stdout)
`;

/**
 * CPython's verdict on each source: null when it compiles (parser and
 * compiler: `x = *a` parses but does not compile), else the error.
 */
export function cpythonCompileErrors(sources: string[]): (string | null)[] {
  if (sources.length === 0) return [];
  const r = spawnSync(python(), ['-c', COMPILE], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as (string | null)[];
}

/** The interpreter's version, e.g. [3, 11]. */
export function pythonVersion(): [number, number] {
  const v = execFileSync(python(), ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], { encoding: 'utf8' }).trim().split(' ');
  return [Number(v[0]), Number(v[1])];
}

const NBFORMAT_CHECK = `
import json, sys
import nbformat
bad = []
for path in json.load(sys.stdin):
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception as e:
        bad.append({"file": path, "error": f"{type(e).__name__}: {e}"})
json.dump(bad, sys.stdout)
`;

/** Is Jupyter's nbformat importable (Debian: python3-nbformat)? */
export function hasNbformat(): boolean {
  return spawnSync(python(), ['-c', 'import nbformat'], { encoding: 'utf8' }).status === 0;
}

/** Notebooks that Jupyter's own reader and validator reject, with the error (empty when all pass). */
export function nbformatErrors(files: string[]): { file: string; error: string }[] {
  if (files.length === 0) return [];
  if (!hasNbformat()) throw new Error("nbformat is not installed: the notebook checks need Debian's python3-nbformat (apt-get install -y python3-nbformat; .ci/run installs it)");
  const r = spawnSync(python(), ['-c', NBFORMAT_CHECK], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { file: string; error: string }[];
}

const CONFIG_CHECK = `
import configparser, json, sys, tomllib, yaml
bad = []
for path in json.load(sys.stdin):
    try:
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith((".yaml", ".yml")):
            list(yaml.safe_load_all(data))
        elif path.endswith(".toml"):
            tomllib.loads(data.decode("utf-8"))
        elif path.endswith(".json"):
            json.loads(data)
        else:
            configparser.ConfigParser(interpolation=None).read_string(data.decode("utf-8"))
    except Exception as e:
        bad.append({"file": path, "error": f"{type(e).__name__}: {e}"})
json.dump(bad, sys.stdout)
`;

/** YAML / TOML / JSON / INI files that Python's own readers (PyYAML, tomllib, json, configparser) reject (empty when all parse). */
export function configParseErrors(files: string[]): { file: string; error: string }[] {
  if (files.length === 0) return [];
  const r = spawnSync(python(), ['-c', CONFIG_CHECK], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { file: string; error: string }[];
}

/** A Python with torch (and torch.distributed): ASCENDIFY_TORCH_PYTHON, else Debian's python3-torch as /usr/bin/python3; undefined when none. */
export function torchPython(): string | undefined {
  return [process.env.ASCENDIFY_TORCH_PYTHON, '/usr/bin/python3']
    .filter((p): p is string => !!p)
    .find((p) => spawnSync(p, ['-c', 'import torch.distributed as d; assert d.is_available()'], { encoding: 'utf8' }).status === 0);
}
