/**
 * Third-party functions whose device parameter defaults to CUDA. Called without a
 * device argument on an Ascend machine they pick the CUDA device (or fall back to
 * the CPU) even after the rest of the code was converted to "npu": AMP silently
 * off while the GradScaler stays on, a prefetching loader that asserts on CUDA, a
 * model that is moved to "cuda:0" and fails.
 *
 * Only entries whose signature was read in the package's own source (stored public
 * code, cited per entry) are listed; ascendify cannot see the installed version, so
 * the hints say where a default or a parameter depends on the version.
 */

export interface CudaDefaultFunction {
  /** Qualified names the function is reached by (the defining module and its re-exports). */
  names: readonly string[];
  /** Display name of the package (the Package column of third_party.csv). */
  package: string;
  /** The device parameter. */
  param: string;
  /**
   * 0-based positions the device parameter has had across the package's versions; a
   * call with at least `min(positions) + 1` positional arguments may pass it, so it is
   * not reported. Empty: keyword only (the parameter is too far back to be passed by position).
   */
  positions: readonly number[];
  /** The default, as the source spells it. */
  default: string;
  /**
   * A keyword whose literal value makes the device unused (timm's create_loader with
   * use_prefetcher=False never moves the batches).
   */
  unusedWhen?: { keyword: string; value: 'False' | 'True' };
  /** What happens on an Ascend machine, and what to pass instead. */
  hint: string;
}

export const CUDA_DEFAULT_FUNCTIONS: readonly CudaDefaultFunction[] = [
  {
    // ultralytics/ultralytics ultralytics/utils/torch_utils.py (commit 0009995d900e):
    //   def autocast(enabled: bool, device: str = "cuda"):
    //       if TORCH_1_13: return torch.amp.autocast(device, enabled=enabled)
    //       else: return torch.cuda.amp.autocast(enabled)
    names: ['ultralytics.utils.torch_utils.autocast'],
    package: 'ultralytics',
    param: 'device',
    positions: [1],
    default: '"cuda"',
    hint:
      'autocast() defaults to device="cuda": on an NPU machine torch.amp.autocast("cuda") finds no CUDA and disables itself, so AMP is silently off while a GradScaler may stay on; pass device="npu" (or the model\'s device type). torch_npu.contrib.transfer_to_npu rewrites device_type "cuda" in torch.autocast (ascend-facts.md §2.3) when it is active',
  },
  {
    // huggingface/pytorch-image-models timm/utils/cuda.py (commit 522c9ea57df1):
    //   class NativeScaler: def __init__(self, device='cuda'): self._scaler = torch.amp.GradScaler(device=device)
    // older timm (commit 089d9046bf26): def __init__(self): self._scaler = torch.cuda.amp.GradScaler()
    // re-exported by timm/utils/__init__.py: from .cuda import ApexScaler, NativeScaler
    names: ['timm.utils.cuda.NativeScaler', 'timm.utils.NativeScaler'],
    package: 'timm',
    param: 'device',
    positions: [0],
    default: "'cuda'",
    hint:
      "NativeScaler() builds a GradScaler for device='cuda', which finds no CUDA on an NPU machine (no loss scaling under fp16 autocast on the NPU); pass device='npu' (timm versions whose NativeScaler has the device parameter; older ones always use torch.cuda.amp.GradScaler and need an update or torch.amp.GradScaler('npu') directly)",
  },
  {
    // huggingface/pytorch-image-models timm/data/loader.py (commit 013851bf8595):
    //   def create_loader(..., device: torch.device = torch.device('cuda'), use_prefetcher: bool = True, ...)
    //   with use_prefetcher the PrefetchLoader builds mean/std tensors on `device` and uses CUDA streams
    //   when device.type == 'cuda' (NPU streams when device.type == 'npu' in this version)
    names: ['timm.data.loader.create_loader', 'timm.data.create_loader'],
    package: 'timm',
    param: 'device',
    positions: [],
    default: "torch.device('cuda')",
    unusedWhen: { keyword: 'use_prefetcher', value: 'False' },
    hint:
      "create_loader() defaults to device=torch.device('cuda'): its prefetcher (use_prefetcher=True by default) puts the batches and the normalisation tensors on CUDA, which fails on an NPU machine; pass device=torch.device('npu', local_rank) (recent timm prefetches with NPU streams; older versions only know CUDA streams: then use_prefetcher=False)",
  },
  {
    // open-mmlab/mmdetection mmdet/apis/inference.py (commit 00e97308fa85): def init_detector(config, checkpoint=None, device='cuda:0')
    // mmdet 3.x (a stored copy: huggingface.co/spaces/scfive/samewind/raw/main/mmdet/apis/inference.py):
    //   init_detector(config, checkpoint=None, palette='none', device='cuda:0', cfg_options=None)
    names: ['mmdet.apis.init_detector', 'mmdet.apis.inference.init_detector'],
    package: 'mmdet',
    param: 'device',
    positions: [2, 3],
    default: "'cuda:0'",
    hint:
      "init_detector() defaults to device='cuda:0' and moves the model there, which fails on an NPU machine; pass device='npu:0' (and install an mmcv / mmdet build for Ascend NPU)",
  },
  {
    // open-mmlab/mmsegmentation mmseg/apis/inference.py (commit 00790766aff2):
    //   def init_model(config, checkpoint=None, device: str = 'cuda:0', cfg_options=None)
    // mmseg 0.x: def init_segmentor(config, checkpoint=None, device='cuda:0')
    names: ['mmseg.apis.init_model', 'mmseg.apis.inference.init_model', 'mmseg.apis.init_segmentor', 'mmseg.apis.inference.init_segmentor'],
    package: 'mmseg',
    param: 'device',
    positions: [2],
    default: "'cuda:0'",
    hint:
      "init_model() / init_segmentor() default to device='cuda:0' and move the model there, which fails on an NPU machine; pass device='npu:0' (and install an mmcv / mmseg build for Ascend NPU)",
  },
  {
    // openai/CLIP clip/clip.py (commit 0848ed71e5bb):
    //   def load(name, device = "cuda" if torch.cuda.is_available() else "cpu", jit=True)
    names: ['clip.load', 'clip.clip.load'],
    package: 'clip',
    param: 'device',
    positions: [1],
    default: '"cuda" if torch.cuda.is_available() else "cpu"',
    hint:
      'clip.load() picks "cuda" when CUDA is available and the CPU otherwise: on an NPU machine the model silently runs on the CPU; pass device="npu" (the JIT archive path, jit=True, patches CUDA device constants: jit=False loads a plain nn.Module)',
  },
];

const BY_NAME = new Map<string, CudaDefaultFunction>(CUDA_DEFAULT_FUNCTIONS.flatMap((f) => f.names.map((n) => [n, f] as const)));

export function cudaDefaultFunction(qualified: string): CudaDefaultFunction | undefined {
  return BY_NAME.get(qualified);
}

/**
 * Text one of which a file must contain to call a function of the table (the analysis
 * trigger): the package names; `clip` only in an import statement (the word is common).
 */
export const CUDA_DEFAULT_TRIGGER: { test(text: string): boolean } = {
  // the clip pattern starts with an alternation V8 cannot scan for: asked only of texts holding the word
  test: (text) => CUDA_DEFAULT_PACKAGES.test(text) || (text.includes('clip') && CLIP_IMPORT.test(text)),
};
const CUDA_DEFAULT_PACKAGES = /ultralytics|timm|mmdet|mmseg/;
const CLIP_IMPORT = /(?:^|\n)[ \t]*(?:from[ \t]+clip\b|import[ \t][^\n]*\bclip\b)/;
