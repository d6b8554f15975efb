/**
 * Names read from user code that are also Object.prototype's keys
 * (`constructor`, `toString`, `__proto__`, `hasOwnProperty`, `valueOf`) must
 * never be answered by a fact table's prototype: a `self.constructor(...)`
 * call once produced an analysis finding whose subject was the `Object`
 * function, which a worker cannot post back, so the whole file failed as
 * "conversion worker stopped" (found on torch's own testing/_internal/common_nn.py).
 */
import { convertFile, DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { PASSES } from '../transforms';

const KEYS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__proto__', '__defineGetter__'];

const code = [
  'import os',
  'import torch',
  'import torch.nn as nn',
  'from torch.profiler import ProfilerActivity',
  'from torch.cuda import amp',
  'class M(nn.Module):',
  '    def clone(self, x):',
  ...KEYS.flatMap((k) => [
    `        a = self.${k}(x)`,
    `        b = x.${k}()`,
    `        c = torch.cuda.${k}()`,
    `        d = torch.${k}(x, device="cuda")`,
    `        e = os.environ["${k}"]`,
    `        f = ProfilerActivity.${k}`,
    `        g = torch.distributed.${k}("nccl")`,
    `        h = torch.Generator(device="cuda").${k}()`,
    `        i = amp.${k}`,
  ]),
  '        s = x.to_dense()  # a distinct torch method: the analysis then reads every method call of the file',
  '        return x.cuda()',
  '',
].join('\n');

describe('names that are Object.prototype keys', () => {
  const opts = { passIds: PASSES.map((p) => p.id), maxFileSize: DEFAULT_MAX_FILE_SIZE, unsafe: true, transferToNpu: true };
  const r = convertFile('m.py', Buffer.from(code), opts);

  it('the result can be posted back by a worker (structured clone) and names no function', () => {
    expect(r.status).toBe('changed');
    expect(() => structuredClone(r)).not.toThrow();
    expect(JSON.stringify(r)).not.toContain('[native code]');
  });

  it('the real conversion still happens next to them', () => {
    expect(r.changes.some((c) => c.message.includes('x.cuda() → x.npu()') || c.message.includes('.cuda('))).toBe(true);
  });
});
