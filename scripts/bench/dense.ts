/**
 * The dense-file case of the benchmark: one deterministically generated Python
 * file in which nearly every line is changed by the conversion (`.cuda()`,
 * `torch.cuda.*` calls, "cuda:0" strings, `torch.device("cuda")`, inside
 * functions and at module level). It checks that no step is quadratic in a
 * file's size or in its number of changes (issue 9).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DenseFile {
  dir: string;
  file: string;
  lines: number;
  bytes: number;
  /** Lines the conversion changes (each template line is changed once). */
  changedLines: number;
}

/** Lines of one block; `i` makes every name unique. Each line but `def`/blank is changed. */
function block(i: number): { text: string; changed: number } {
  const lines = [
    `def step_${i}(batch_${i}, model_${i}):`,
    `    x_${i} = batch_${i}.cuda()`,
    `    y_${i} = model_${i}(x_${i}).to("cuda:0")`,
    `    torch.cuda.synchronize()`,
    `    return y_${i}.cuda(non_blocking=True)`,
    ``,
    `device_${i} = torch.device("cuda")`,
    `w_${i} = torch.zeros(${i % 97}, device="cuda")`,
    `if torch.cuda.is_available():`,
    `    torch.cuda.set_device(${i % 8})`,
    `v_${i} = u_${i}.cuda()`,
    `torch.cuda.empty_cache()`,
    ``,
  ];
  return { text: lines.join('\n') + '\n', changed: 10 };
}

/** Write `dense/dense.py` of about `megabytes` MB under `root` (same bytes every time). */
export function writeDenseFile(root: string, megabytes: number): DenseFile {
  const dir = path.join(root, 'dense');
  fs.mkdirSync(dir, { recursive: true });
  const target = Math.round(megabytes * 1e6);
  const parts = ['import torch\n\n'];
  let bytes = parts[0].length;
  let changedLines = 0;
  for (let i = 0; bytes < target; i++) {
    const b = block(i);
    parts.push(b.text);
    bytes += b.text.length;
    changedLines += b.changed;
  }
  const text = parts.join('');
  const file = path.join(dir, 'dense.py');
  fs.writeFileSync(file, text);
  return { dir, file, lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text), changedLines };
}
