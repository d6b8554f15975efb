/**
 * Dependency declarations: requirements*.txt, setup.cfg, pyproject.toml, environment.yml.
 */
import { analyzeCondaEnv, analyzePyproject, analyzeRequirements, analyzeSetupCfg, requirementName } from './deps';
import type { AnalysisFinding } from './types';

const brief = (fs: AnalysisFinding[]) => fs.map((f) => `${f.startLine}-${f.endLine} ${f.subject} ${f.level}`);

describe('requirementName', () => {
  it.each([
    ['flash-attn>=2.3', 'flash-attn'],
    ['xformers[torch] == 0.0.22 ; python_version >= "3.8"', 'xformers'],
    ['deepspeed @ git+https://github.com/x/DeepSpeed.git', 'deepspeed'],
    ['-e git+https://github.com/NVIDIA/apex.git#egg=apex', 'apex'],
    ['git+https://github.com/NVIDIA/apex.git', null],
    ['-r other.txt', null],
    ['# flash-attn', null],
  ])('%s → %s', (spec, name) => expect(requirementName(spec)).toBe(name));
});

describe('requirements*.txt', () => {
  it('reports the packages of the table, CUDA torch builds and the CUDA wheel index, never comments', () => {
    const text = [
      '# GPU extras: flash-attn, xformers',
      '--extra-index-url https://download.pytorch.org/whl/cu121',
      'torch==2.1.0+cu121',
      'torchvision==0.16.0',
      'numpy',
      'flash_attn==2.5.0  # attention',
      'mmcv-full==1.7.1 \\',
      '    --no-binary mmcv-full',
      'cupy-cuda12x',
      'nvidia-dali-cuda120',
      'GPUtil',
      'apexpy',
      '',
    ].join('\r\n');
    expect(brief(analyzeRequirements(text))).toEqual([
      '2-2 torch (CUDA build) warning',
      '3-3 torch (CUDA build) warning',
      '6-6 flash_attn error',
      '7-8 mmcv warning',
      '9-9 cupy error',
      '10-10 nvidia-dali error',
      '11-11 GPUtil warning',
    ]);
  });
  it('reports nothing for a plain requirements file', () => {
    expect(analyzeRequirements('torch>=2.1\ntorchvision\n# triton\n')).toEqual([]);
  });
});

describe('setup.cfg', () => {
  it('reads install_requires and extras, not other keys or comments', () => {
    const text = [
      '[metadata]',
      'name = x',
      'description = works with flash-attn',
      '[options]',
      'install_requires =',
      '    torch',
      '    deepspeed>=0.12',
      '    # bitsandbytes',
      'python_requires = >=3.8',
      '[options.extras_require]',
      'fast = xformers',
      '',
    ].join('\n');
    expect(brief(analyzeSetupCfg(text))).toEqual(['7-7 deepspeed warning', '11-11 xformers error']);
  });
});

describe('pyproject.toml', () => {
  it('reads PEP 621 arrays and Poetry tables', () => {
    const text = [
      '[project]',
      'name = "x"',
      'dependencies = [',
      '  "torch>=2.1",',
      '  "triton", # kernels',
      '  # "apex",',
      ']',
      '[project.optional-dependencies]',
      'quant = ["bitsandbytes>=0.41", "numpy"]',
      '[tool.poetry.dependencies]',
      'python = "^3.10"',
      'pynvml = "^11"',
      '[tool.other]',
      'triton = "not a dependency"',
      '',
    ].join('\n');
    expect(brief(analyzePyproject(text))).toEqual(['5-5 triton error', '9-9 bitsandbytes error', '12-12 pynvml warning']);
  });
});

describe('environment.yml', () => {
  it('reads conda and pip dependencies', () => {
    const text = [
      'name: train',
      'channels: [pytorch, nvidia]',
      'dependencies:',
      '  - python=3.10',
      '  - pytorch=2.1.0',
      '  - pytorch-cuda=12.1',
      '  - nvidia::cudatoolkit=11.8  # toolkit',
      '  - pip',
      '  - pip:',
      '      - flash-attn==2.5.0',
      '      - numpy',
      '  - cupy',
      'variables:',
      '  - triton',
      '',
    ].join('\n');
    expect(brief(analyzeCondaEnv(text))).toEqual([
      '6-6 torch (CUDA build) warning',
      '7-7 torch (CUDA build) warning',
      '10-10 flash_attn error',
      '12-12 cupy error',
    ]);
  });
});
