// The SGLang facts this example rests on, loaded and validated with the framework's contract
// loader: every flag, log line, health answer and metric name in contract.json cites the
// sgl-project/sglang file it was read from (path@commit).

import { readFileSync } from 'node:fs';
import { parseContract, type EngineContract } from '../../contracts/loader.ts';

export const SGLANG_CONTRACT: EngineContract = parseContract(
  'examples/sglang/contract.json',
  JSON.parse(readFileSync(new URL('./contract.json', import.meta.url), 'utf8')),
);
