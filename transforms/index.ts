/**
 * The ordered registry of passes. Order matters only for which of two
 * overlapping fixes is applied first; the engine re-runs passes until nothing
 * changes (those that read what fixes produce: `Pass.rounds`), so they see
 * what the others produced.
 *
 * Adding a pass: transforms/<id>/<id>.ts, <id>.test.ts, fixtures/, docs/passes.md,
 * and one line here (`npm run new-pass -- <id>` writes the first three).
 */
import type { Pass } from '../src/core/pass';
import { customMappings } from './custom-mappings/custom-mappings';
import { cudaApiToNpu } from './cuda-api-to-npu/cuda-api-to-npu';
import { cudaVersionToNpu } from './cuda-version-to-npu/cuda-version-to-npu';
import { cudaDeviceToNpu } from './cuda-device-to-npu/cuda-device-to-npu';
import { profilerToNpu } from './profiler-to-npu/profiler-to-npu';
import { ncclToHccl } from './nccl-to-hccl/nccl-to-hccl';
import { generatorToCpu } from './generator-to-cpu/generator-to-cpu';
import { apexToNpu } from './apex-to-npu/apex-to-npu';
import { dataParallelToDdp } from './data-parallel-to-ddp/data-parallel-to-ddp';
import { injectTorchNpu } from './inject-torch-npu/inject-torch-npu';

export const PASSES: readonly Pass[] = [
  customMappings, // first: the project's own rules win an overlap with a built-in pass
  cudaApiToNpu,
  cudaVersionToNpu,
  cudaDeviceToNpu,
  profilerToNpu,
  ncclToHccl,
  generatorToCpu,
  apexToNpu,
  dataParallelToDdp,
  injectTorchNpu,
];
