// The environment that puts the SGLang stand-in in front of the real python3 for the stack's
// processes (and for capability detection, which probes `import sglang` through it).

import { fileURLToPath } from 'node:url';
import { STAND_IN_ENV } from '../../../fixtures/stack/stand-in.ts';
import { STAND_IN_BIN, STAND_IN_MODELS } from '../../../tests/framework/stand-ins/env.ts';

const SGLANG_BIN = fileURLToPath(new URL('./bin', import.meta.url));

/** PATH with this python3 first (the framework's stand-ins behind it answer nvidia-smi), the stand-in model directory, and the stand-in marker the reports count. */
export function sglangStandInEnv(): Record<string, string> {
  return { PATH: `${SGLANG_BIN}:${STAND_IN_BIN}:${process.env.PATH ?? ''}`, MODELS_DIR: STAND_IN_MODELS, [STAND_IN_ENV]: 'examples/sglang/stand-in' };
}
