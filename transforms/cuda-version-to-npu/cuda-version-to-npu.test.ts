import * as path from 'node:path';
import { runPassCases, convertWith } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { cudaApiToNpu } from '../cuda-api-to-npu/cuda-api-to-npu';
import { cudaVersionToNpu } from './cuda-version-to-npu';

const DROPPED = 'dropped: torch.version.cuda is None under torch_npu, is_bf16_supported() decides';
const FSDP =
  'import torch\nimport torch.distributed as dist\nfrom distutils.version import LooseVersion\nfrom torch.cuda import nccl\n\n' +
  'bf16_ready = (\n    torch.version.cuda\n    and torch.cuda.is_bf16_supported()\n    and LooseVersion(torch.version.cuda) >= "11.0"\n' +
  '    and dist.is_nccl_available()\n    and nccl.version() >= (2, 10)\n)\n';

runPassCases(cudaVersionToNpu, {
  valid: [
    // display only: harmless
    'import torch\nprint("CUDA", torch.version.cuda)\n',
    'import logging\nimport torch\nlogging.info("CUDA %s", torch.version.cuda)\n',
    'import torch\nlogger.warning("built with CUDA %s", torch.version.cuda)\n',
    'import torch\nmsg = f"built with CUDA {torch.version.cuda}"\n',
    'import torch\nmsg = "CUDA: %s" % torch.version.cuda\n',
    'import torch\nmsg = "CUDA {}".format(torch.version.cuda)\n',
    'import torch\nimport warnings\nwarnings.warn("cuda " + str(torch.version.cuda))\n',
    'import sys\nimport torch\nsys.stdout.write(str(torch.version.cuda))\n',
    'from torch.version import cuda\nprint(cuda)\n',
    // comments, strings, other names
    'import torch\n# bf16 = torch.version.cuda and torch.cuda.is_bf16_supported()\nx = "torch.version.cuda"\n',
    'import torch\nrocm = torch.version.hip and torch.cuda.is_bf16_supported()\n',
    'import torch\nsha = torch.version.git_version\n',
    'import torch\n\n\ndef f(torch):\n    return torch.version.cuda and torch.cuda.is_bf16_supported()\n',
    'import tensorflow as torch\nok = torch.version.cuda and x\n',
    'import torch\nversion = get_version()\nok = version.cuda and torch.cuda.is_bf16_supported()\n',
    // a test inside parentheses is not a direct operand of the chain with the bf16 check
    'import torch\nprint(torch.version.cuda)\nok = torch.npu.is_bf16_supported() and (x or y)\n',
    // already converted
    'import torch\nbf16_ready = torch.npu.is_bf16_supported()\n',
    'import torch\nbf16_ready = torch.npu.is_available() and torch.npu.is_bf16_supported()\n',
    'import torch\nfp16 = not torch.npu.is_bf16_supported() or args.fp16\n',
  ],
  invalid: [
    {
      name: 'the boolean test next to is_bf16_supported() is dropped',
      code: 'import torch\nbf16 = torch.version.cuda and torch.cuda.is_bf16_supported()\n',
      output: 'import torch\nbf16 = torch.cuda.is_bf16_supported()\n',
      changes: [`torch.version.cuda ${DROPPED}`],
    },
    {
      name: 'with cuda-api-to-npu: the NPU check remains',
      code: 'import torch\nbf16 = torch.version.cuda and torch.cuda.is_bf16_supported()\n',
      output: 'import torch\nbf16 = torch.npu.is_bf16_supported()\n',
      passes: [cudaVersionToNpu, cudaApiToNpu],
    },
    {
      name: '`is not None` test, in an if',
      code: 'import torch\nif torch.version.cuda is not None and torch.cuda.is_bf16_supported():\n    dtype = torch.bfloat16\n',
      output: 'import torch\nif torch.cuda.is_bf16_supported():\n    dtype = torch.bfloat16\n',
    },
    {
      name: 'in the middle of a chain, import torch as th',
      code: 'import torch as th\nuse = th.cuda.is_available() and th.version.cuda and th.cuda.is_bf16_supported()\n',
      output: 'import torch as th\nuse = th.cuda.is_available() and th.cuda.is_bf16_supported()\n',
    },
    {
      name: 'after the check, bool(), from torch import version',
      code: 'import torch\nfrom torch import version\nok = torch.cuda.is_bf16_supported() and bool(version.cuda)\n',
      output: 'import torch\nfrom torch import version\nok = torch.cuda.is_bf16_supported()\n',
    },
    {
      name: 'from torch.version import cuda as alias, != None',
      code: 'import torch\nfrom torch.version import cuda as cuda_version\nok = cuda_version != None and torch.cuda.is_bf16_supported()\n',
      output: 'import torch\nfrom torch.version import cuda as cuda_version\nok = torch.cuda.is_bf16_supported()\n',
    },
    {
      name: 'import torch.version as tv; torch.npu check already converted',
      code: 'import torch\nimport torch.version as tv\nok = tv.cuda and torch.npu.is_bf16_supported()\n',
      output: 'import torch\nimport torch.version as tv\nok = torch.npu.is_bf16_supported()\n',
    },
    {
      name: 'the inverted idiom: not torch.version.cuda or not is_bf16_supported()',
      code: 'import torch\nif not torch.version.cuda or not torch.cuda.is_bf16_supported():\n    dtype = torch.float16\n',
      output: 'import torch\nif not torch.cuda.is_bf16_supported():\n    dtype = torch.float16\n',
    },
    {
      name: 'the inverted idiom with `is None` and a version comparison, --unsafe',
      code: 'import torch\nfp16 = torch.version.cuda is None or not torch.cuda.is_bf16_supported() or float(torch.version.cuda) < 11\n',
      output: 'import torch\nfp16 = not torch.cuda.is_bf16_supported()\n',
      unsafe: true,
    },
    {
      name: 'a test the wrong way round for its chain: manual',
      code: 'import torch\nodd = not torch.version.cuda and torch.cuda.is_bf16_supported()\nodd2 = torch.version.cuda or not torch.cuda.is_bf16_supported()\n',
      output: 'import torch\nodd = not torch.version.cuda and torch.cuda.is_bf16_supported()\nodd2 = torch.version.cuda or not torch.cuda.is_bf16_supported()\n',
      manual: ['[manual] torch.version.cuda tested: it is None under torch_npu', '[manual] torch.version.cuda tested: it is None under torch_npu'],
    },
    {
      name: 'the FSDP example: a version comparison is dropped too (unsafe), listed without --unsafe',
      code: FSDP,
      output: FSDP,
      manual: [`[unsafe] torch.version.cuda, LooseVersion(torch.version.cuda) >= "11.0" ${DROPPED}`],
    },
    {
      name: 'the FSDP example with --unsafe',
      code: FSDP,
      output:
        'import torch\nimport torch.distributed as dist\nfrom distutils.version import LooseVersion\nfrom torch.cuda import nccl\n\n' +
        'bf16_ready = (\n    torch.cuda.is_bf16_supported()\n    and dist.is_nccl_available()\n    and nccl.version() >= (2, 10)\n)\n',
      unsafe: true,
    },
    {
      name: 'a test dropped, another use in the chain reported',
      code: 'import torch\nok = torch.version.cuda and torch.cuda.is_bf16_supported() and check(torch.version.cuda)\n',
      output: 'import torch\nok = torch.cuda.is_bf16_supported() and check(torch.version.cuda)\n',
      manual: ['[manual] torch.version.cuda used: it is None under torch_npu'],
    },
    {
      name: 'a comment in the chain: reported',
      code: 'import torch\nok = (\n    torch.version.cuda  # CUDA build\n    and torch.cuda.is_bf16_supported()\n)\n',
      output: 'import torch\nok = (\n    torch.version.cuda  # CUDA build\n    and torch.cuda.is_bf16_supported()\n)\n',
      manual: ['[manual] torch.version.cuda tested: it is None under torch_npu'],
    },
    {
      name: 'a plain if test: manual',
      code: 'import torch\nif torch.version.cuda:\n    enable_fused()\n',
      output: 'import torch\nif torch.version.cuda:\n    enable_fused()\n',
      manual: ['[manual] torch.version.cuda tested: it is None under torch_npu'],
    },
    {
      name: 'not / or / and without bf16: manual',
      code: 'import torch\ncpu_only = not torch.version.cuda\nname = torch.version.cuda or "none"\namp = torch.version.cuda and args.amp\n',
      output: 'import torch\ncpu_only = not torch.version.cuda\nname = torch.version.cuda or "none"\namp = torch.version.cuda and args.amp\n',
      manual: [
        '[manual] torch.version.cuda tested: it is None under torch_npu',
        '[manual] torch.version.cuda tested: it is None under torch_npu',
        '[manual] torch.version.cuda tested: it is None under torch_npu',
      ],
    },
    {
      name: 'version comparisons: manual',
      code:
        'import torch\nfrom packaging import version\nif float(torch.version.cuda) >= 11.0:\n    pass\nnew = version.parse(torch.version.cuda) >= version.parse("11.8")\nold = torch.version.cuda.startswith("10")\n',
      output:
        'import torch\nfrom packaging import version\nif float(torch.version.cuda) >= 11.0:\n    pass\nnew = version.parse(torch.version.cuda) >= version.parse("11.8")\nold = torch.version.cuda.startswith("10")\n',
      manual: [
        '[manual] torch.version.cuda compared: it is None under torch_npu',
        '[manual] torch.version.cuda compared: it is None under torch_npu',
        '[manual] torch.version.cuda used: it is None under torch_npu',
      ],
    },
    {
      name: 'assignment and return: manual',
      code: 'import torch\ncuda_ver = torch.version.cuda\n\n\ndef get():\n    return torch.version.cuda\n',
      output: 'import torch\ncuda_ver = torch.version.cuda\n\n\ndef get():\n    return torch.version.cuda\n',
      manual: ['[manual] torch.version.cuda used: it is None under torch_npu', '[manual] torch.version.cuda used: it is None under torch_npu'],
    },
    {
      name: 'conditional expression condition: manual',
      code: 'import torch\ndtype = torch.bfloat16 if torch.version.cuda else torch.float16\n',
      output: 'import torch\ndtype = torch.bfloat16 if torch.version.cuda else torch.float16\n',
      manual: ['[manual] torch.version.cuda tested: it is None under torch_npu'],
    },
  ],
});

describe('cuda-version-to-npu hints', () => {
  it('the manual hint names the NPU checks and torch_npu.__version__', () => {
    const r = convertWith(cudaVersionToNpu, 'import torch\nif torch.version.cuda:\n    pass\n');
    expect(r.manual[0].hint).toContain('torch.npu.is_bf16_supported()');
    expect(r.manual[0].hint).toContain('torch_npu.__version__');
  });
});

runFixtures(cudaVersionToNpu, path.join(__dirname, 'fixtures'));
