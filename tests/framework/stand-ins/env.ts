// The environment that puts the stand-ins in front of the real commands for stack
// processes, impersonating the named engine contracts (contracts/<engine>/<contract>).

import { fileURLToPath } from 'node:url';
import { STAND_IN_ENV } from '../../../fixtures/stack/stand-in.ts';
import { contractById, type EngineContract } from '../../../contracts/loader.ts';

export const STAND_IN_BIN = fileURLToPath(new URL('./bin', import.meta.url));
export const STAND_IN_MODELS = fileURLToPath(new URL('./models', import.meta.url));
export const STAND_IN_CONTRACTS_ENV = 'SERVEWRIGHT_STAND_IN_CONTRACTS';

/** The newest contract of each engine: what a stand-in impersonates unless told otherwise. */
export const NEWEST_STAND_INS = ['dynamo/newest', 'vllm/v1'] as const;

export function standInEnv(contracts: readonly string[] = NEWEST_STAND_INS): Record<string, string> {
  for (const id of contracts) contractById(id);
  return { PATH: `${STAND_IN_BIN}:${process.env.PATH ?? ''}`, MODELS_DIR: STAND_IN_MODELS, [STAND_IN_CONTRACTS_ENV]: contracts.join(','), [STAND_IN_ENV]: 'tests/framework/stand-ins' };
}

/** The contract this stand-in process impersonates for `engine`, or undefined when that engine is "not installed". */
export function impersonated(engine: string): EngineContract | undefined {
  const ids = (process.env[STAND_IN_CONTRACTS_ENV] ?? NEWEST_STAND_INS.join(',')).split(',').filter(Boolean);
  const id = ids.find((i) => i.startsWith(`${engine}/`));
  return id === undefined ? undefined : contractById(id);
}
