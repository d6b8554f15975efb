/** Test helper: one hash for a whole tree, to compare output trees byte for byte. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Hash of every entry below `dir`: path, type and mode, and the bytes of a file
 * or the target of a link. With `placeholder`, occurrences of that string in
 * file contents (say, the output path written into a report) count as `<OUT>`,
 * so trees written to different places can be compared.
 */
export function treeHash(dir: string, placeholder?: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const st = fs.lstatSync(abs);
      h.update(`${rel}/${name}:${st.mode}:`);
      if (st.isSymbolicLink()) h.update(fs.readlinkSync(abs));
      else if (st.isDirectory()) walk(abs, `${rel}/${name}`);
      else if (placeholder === undefined) h.update(fs.readFileSync(abs));
      else h.update(fs.readFileSync(abs).toString('latin1').split(placeholder).join('<OUT>'));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}
