// The environment that puts the stand-ins in front of the real commands for stack processes.

import { fileURLToPath } from 'node:url';
import { STAND_IN_ENV } from '../../../fixtures/stack/stand-in.ts';

export const STAND_IN_BIN = fileURLToPath(new URL('./bin', import.meta.url));
export const STAND_IN_MODELS = fileURLToPath(new URL('./models', import.meta.url));

export function standInEnv(): Record<string, string> {
  return { PATH: `${STAND_IN_BIN}:${process.env.PATH ?? ''}`, MODELS_DIR: STAND_IN_MODELS, [STAND_IN_ENV]: 'tests/framework/stand-ins' };
}
