/**
 * The ordered registry of passes. Order matters only for which of two
 * overlapping fixes is applied first; the engine re-runs every pass until
 * nothing changes, so later passes see what earlier ones produced.
 *
 * Adding a pass: transforms/<id>/<id>.ts, <id>.test.ts, fixtures/, docs/passes.md,
 * and one line here (`npm run new-pass -- <id>` writes the first three).
 */
import type { Pass } from '../src/core/pass';
import { cudaApiToNpu } from './cuda-api-to-npu/cuda-api-to-npu';
import { injectTorchNpu } from './inject-torch-npu/inject-torch-npu';

export const PASSES: readonly Pass[] = [
  cudaApiToNpu,
  injectTorchNpu,
];
