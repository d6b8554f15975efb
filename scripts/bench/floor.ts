/**
 * The physical floor, run in its own process by the benchmark:
 *
 *   node dist/scripts/bench/floor.js <dir> <reps>
 *
 * For every Python file the CLI would convert (same walk, same filter), single
 * thread: read + decode + tree-sitter parse. Also measured, for the cheap-path
 * analysis: read only, and read + decode + the passes' trigger tests (what a file
 * that is never parsed costs). Prints one JSON object on stdout.
 */
import * as fs from 'node:fs';
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { decodeSource } from '../../src/python/source';
import { isPythonSource, walkTree } from '../../src/runner/files';
import { PYTHON_TRIGGERS } from '../../src/analysis/python';
import { PASSES } from '../../transforms';

export interface FloorResult {
  files: number;
  bytes: number;
  /** Files that match no pass's trigger: the passes never parse them (`diff`). */
  cheap: number;
  cheapBytes: number;
  /** ... nor the analysis's trigger: `convert` (passes + analysis) never parses them. */
  cheapConvert: number;
  /** Per repetition, milliseconds. */
  readMs: number[];
  triggersMs: number[];
  parseMs: number[];
  /** CPU time (user + system) of the parse loop, per repetition, milliseconds. */
  parseCpuMs: number[];
  maxRssKiB: number;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** Read and decode as the engine does; no text when the file is not UTF-8. */
function readText(file: string): { buf: Buffer; text?: string } {
  const buf = fs.readFileSync(file);
  try {
    return { buf, text: decodeSource(buf).text };
  } catch {
    return { buf };
  }
}

// A parser of its own, set up as src/python/parser.ts sets up the engine's (same
// buffer size), without the engine's last-tree cache.
const parser = new Parser();
parser.setLanguage(Python as unknown as Parser.Language);
const parse = (text: string) => parser.parse(text, undefined, { bufferSize: Math.max(text.length + 1, 32 * 1024) });

async function main(dir: string, reps: number): Promise<void> {
  const { entries } = walkTree(fs.realpathSync(dir));
  const files = entries.filter((e) => e.kind === 'file' && isPythonSource(e.rel)).map((e) => e.abs);
  const out: FloorResult = { files: files.length, bytes: 0, cheap: 0, cheapBytes: 0, cheapConvert: 0, readMs: [], triggersMs: [], parseMs: [], parseCpuMs: [], maxRssKiB: 0 };
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    let bytes = 0;
    for (const f of files) bytes += fs.readFileSync(f).length;
    out.readMs.push(performance.now() - t0);
    out.bytes = bytes;

    t0 = performance.now();
    let cheap = 0;
    let cheapBytes = 0;
    let cheapConvert = 0;
    for (const f of files) {
      const { buf, text } = readText(f);
      if (text === undefined) continue;
      if (!PASSES.some((p) => p.triggers.test(text))) {
        cheap++;
        cheapBytes += buf.length;
        if (!PYTHON_TRIGGERS.test(text)) cheapConvert++;
      }
    }
    out.triggersMs.push(performance.now() - t0);
    out.cheap = cheap;
    out.cheapBytes = cheapBytes;
    out.cheapConvert = cheapConvert;
    await yieldToLoop();

    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let last = t0;
    for (const f of files) {
      const { text } = readText(f);
      if (text === undefined) continue;
      parse(text);
      // let the finalizers of native trees run, as the pool does
      const now = performance.now();
      if (now - last >= 25) {
        await yieldToLoop();
        last = performance.now();
      }
    }
    out.parseMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    out.parseCpuMs.push((cpu.user + cpu.system) / 1000);
    await yieldToLoop();
  }
  out.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main(process.argv[2], Number(process.argv[3] ?? 3)).catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
