/**
 * The rule catalogue: every finding kind the analysis reports, with its
 * category, severity, the CSV it goes to, and the effort model of summary.md.
 * docs/analysis.md describes each rule with an example and its hint; a test
 * checks that every rule here is documented there.
 *
 * Records that conversion passes leave (manual / unsafe, category 6) keep the
 * pass's rule id (e.g. `cuda-api-to-npu/no-npu-twin`); `conversionRule()` gives
 * them a catalogue entry on the fly.
 */
import type { Category, Severity } from './types';

/** Report CSVs of the analysis (GPU2Ascend's names where it has one, ascend-facts.md §1.8). */
export type AnalysisCsv =
  | 'unsupported_api.csv'
  | 'cuda_op_list.csv'
  | 'api_performance_advice.csv'
  | 'api_precision_advice.csv'
  | 'third_party.csv'
  | 'scripts_and_configs.csv'
  | 'manual_changes.csv';

export interface Rule {
  id: string;
  category: Category;
  level: Severity;
  /** One line: what the rule finds. */
  title: string;
  csv: AnalysisCsv;
  /** Effort model of summary.md: minutes of manual work per finding (an estimate). */
  minutes: number;
}

function rule(id: string, category: Category, level: Severity, csv: AnalysisCsv, minutes: number, title: string): Rule {
  return { id, category, level, csv, minutes, title };
}

export const RULES: readonly Rule[] = [
  // 1. unsupported APIs
  rule('unsupported-api/torch-api', 'unsupported-api', 'warning', 'unsupported_api.csv', 30,
    'a torch API in torch_npu\'s unsupported list (GPU2Ascend op_list_2_8), resolved through imports and aliases'),
  rule('unsupported-api/torch-cuda', 'unsupported-api', 'error', 'unsupported_api.csv', 20,
    'a torch.cuda / torch.backends.cuda / torch.backends.cudnn name with no NPU twin'),
  rule('unsupported-api/tensor-method', 'unsupported-api', 'info', 'unsupported_api.csv', 10,
    'a method call whose name only torch.Tensor / torch.nn.Module has, and that is unsupported on NPU (receiver type not known)'),
  // 2. custom CUDA code
  rule('custom-cuda/cuda-source', 'custom-cuda', 'error', 'unsupported_api.csv', 120,
    'a CUDA source file (.cu / .cuh)'),
  rule('custom-cuda/op', 'custom-cuda', 'error', 'cuda_op_list.csv', 240,
    'an op a C++/CUDA source exports to Python (PYBIND11_MODULE m.def, TORCH_LIBRARY m.def / m.impl)'),
  rule('custom-cuda/cpp-extension', 'custom-cuda', 'error', 'unsupported_api.csv', 60,
    'a build or JIT-load site of a C++/CUDA extension (torch.utils.cpp_extension)'),
  rule('custom-cuda/setup-ext-modules', 'custom-cuda', 'warning', 'unsupported_api.csv', 60,
    'setup.py builds native extension modules (ext_modules=)'),
  rule('custom-cuda/triton-kernel', 'custom-cuda', 'error', 'unsupported_api.csv', 240,
    'a Triton kernel (@triton.jit, @triton.autotune)'),
  rule('custom-cuda/gpu-kernel', 'custom-cuda', 'error', 'unsupported_api.csv', 240,
    'a CUDA kernel written through CuPy, PyCUDA or numba.cuda'),
  // 3. third-party dependencies
  rule('third-party/import', 'third-party', 'error', 'third_party.csv', 30,
    'an import of a package with a CUDA-only build or an NPU-specific replacement'),
  rule('third-party/requirement', 'third-party', 'error', 'third_party.csv', 15,
    'a dependency declaration (requirements*.txt, setup.py, setup.cfg, pyproject.toml, environment.yml) of such a package'),
  rule('third-party/cuda-default', 'third-party', 'warning', 'third_party.csv', 10,
    'a call of a third-party function whose device parameter defaults to CUDA, without a device argument'),
  // 4. performance and precision advice
  rule('advice/fused-optimizer', 'advice', 'info', 'api_performance_advice.csv', 10,
    'a torch.optim optimizer with an NPU fused twin'),
  rule('advice/dataloader', 'advice', 'info', 'api_performance_advice.csv', 5,
    'a DataLoader without pin_memory=True or with num_workers=0'),
  rule('advice/compile-mode', 'advice', 'info', 'api_performance_advice.csv', 5,
    'an entry file, in a project that never calls torch_npu.npu.set_compile_mode'),
  rule('advice/fused-flag', 'advice', 'info', 'api_performance_advice.csv', 5,
    'a torch.optim optimizer created with fused=True (NPU support depends on the torch_npu version)'),
  rule('advice/torch-compile', 'advice', 'info', 'api_performance_advice.csv', 10,
    'torch.compile with the default (inductor) backend (NPU support depends on the torch_npu version)'),
  rule('advice/anomaly-detection', 'advice', 'info', 'api_performance_advice.csv', 5,
    'autograd anomaly detection or gradcheck left on'),
  rule('advice/precision', 'advice', 'info', 'api_precision_advice.csv', 10,
    'an API with a known precision caveat on NPU'),
  // 5. launch scripts and configs
  rule('scripts/cuda-env', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'a CUDA environment variable (CUDA_VISIBLE_DEVICES, ...) in a script or config'),
  rule('scripts/nccl-env', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'an NCCL_* / TORCH_NCCL_* environment variable in a script or config'),
  rule('scripts/nvidia-smi', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'a call of nvidia-smi'),
  rule('scripts/device-cuda', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'a CUDA device passed on a command line (--device cuda) or set in a config (device: cuda)'),
  rule('scripts/nccl-backend', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'the nccl backend passed on a command line (--dist-backend nccl) or set in a config'),
  rule('scripts/cuda-base-image', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 30,
    'a CUDA container base image (Dockerfile FROM, image: in CI / compose YAML)'),
  rule('scripts/docker-gpu', 'scripts-configs', 'warning', 'scripts_and_configs.csv', 5,
    'NVIDIA GPU access for a container (--gpus, --runtime nvidia, nvidia-docker, compose runtime / driver: nvidia, NVIDIA_VISIBLE_DEVICES)'),
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** Minutes per record left by a conversion pass. */
export const CONVERSION_MINUTES = { manual: 15, unsafe: 5 } as const;

/**
 * The catalogue entry of a rule id. Ids not in the catalogue are records of a
 * conversion pass (category 6): level error for manual (no fix exists), warning
 * for unsafe (a fix exists but was not applied); they go to manual_changes.csv,
 * and `cuda-api-to-npu/no-npu-twin` (torch.cuda names with no NPU twin) to
 * unsupported_api.csv as well.
 */
export function ruleFor(id: string, conversion?: 'manual' | 'unsafe'): Rule {
  const known = BY_ID.get(id);
  if (known) return known;
  const key = `${id}\u0000${conversion === 'unsafe' ? 'unsafe' : 'manual'}`;
  let made = CONVERSION_RULES.get(key);
  if (!made) CONVERSION_RULES.set(key, (made = Object.freeze(conversionRule(id, conversion !== 'unsafe'))));
  return made;
}

/**
 * The entries made for pass records, made once per id and kind: the reports
 * ask for a finding's rule several times each (tens of thousands of findings
 * on a large repository).
 */
const CONVERSION_RULES = new Map<string, Rule>();

function conversionRule(id: string, manual: boolean): Rule {
  return {
    id,
    category: 'conversion',
    level: manual ? 'error' : 'warning',
    title: `left by the ${id.split('/')[0]} pass: ${manual ? 'no automatic conversion' : 'conversion not applied (needs --unsafe)'}`,
    csv: 'manual_changes.csv',
    minutes: manual ? CONVERSION_MINUTES.manual : CONVERSION_MINUTES.unsafe,
  };
}

/** Pass records that are listed in unsupported_api.csv too (besides manual_changes.csv). */
export const CONVERSION_TO_UNSUPPORTED: ReadonlySet<string> = new Set(['cuda-api-to-npu/no-npu-twin']);

/**
 * Analysis findings that a conversion pass handles: when that pass left a record
 * (a change, or a manual / unsafe finding) on overlapping lines of the same file,
 * the analysis finding is dropped, so nothing is reported twice and nothing the
 * conversion fixed is reported as left over.
 */
export const HANDLED_BY_PASS: readonly { passId: string; ruleId: string; subject: RegExp }[] = [
  { passId: 'cuda-api-to-npu', ruleId: 'unsupported-api/torch-cuda', subject: /^torch\.cuda\./ },
  // apex-to-npu reports apex imports and API uses with their NPU twin; the import finding stays
  // where that pass reports nothing on the line (it is the dependency: install Ascend's apex)
  { passId: 'apex-to-npu', ruleId: 'third-party/import', subject: /^apex$/ },
  {
    passId: 'data-parallel-to-ddp',
    ruleId: 'unsupported-api/torch-api',
    subject: /^torch\.nn\.(DataParallel|parallel\.data_parallel)$/,
  },
  // profiler-to-npu reports the legacy NVTX / nvprof helpers with their NPU alternative
  { passId: 'profiler-to-npu', ruleId: 'unsupported-api/torch-api', subject: /^torch\.autograd\.profiler\.(emit_nvtx|load_nvprof)$/ },
];
