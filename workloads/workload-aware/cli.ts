// The standalone workload-aware test client (seed 001, Phase 7.2): runs the scenarios
// against a running frontend, prints the completion order of each against the expected
// one, and writes results.json. Typical use: start a stack and keep it up with
// `E2E_PAUSE_ON_EXIT=30m npx playwright test tests/scheduling/workload-aware.spec.ts`, then,
// in another terminal, with the frontend URL it prints:
//
//   npm run wa-client -- --api-base http://127.0.0.1:PORT --scenario all --output results.json
//
// Exit codes: 0 every scenario completed as expected, 1 one did not, 2 bad flags.

import { parseArgs } from 'node:util';
import { listModels } from '../api/models.ts';
import { describeStrategy, detectStrategy, runScenario, type WaClientOptions } from './client.ts';
import { writeResults, type WaResults } from './results.ts';
import { DEFAULT_BOOST_WAIT_MS, waScenarios } from './scenarios.ts';

const USAGE = `usage: npm run wa-client -- --api-base <url> [--scenario all|<name>[,<name>...]] [--output results.json]

  --api-base <url>        the frontend (OpenAI API; /debug/scheduler makes requests queue for real)
  --scenario <names>      all (default) or a comma-separated list of: ${waScenarios().map((s) => s.name).join(', ')}
  --output <file>         results.json to write (default results.json)
  --model <name>          model to send (default: the first one GET /v1/models lists)
  --boost-wait-ms <ms>    wait-time-boost: how long the old request waits (default ${DEFAULT_BOOST_WAIT_MS}, the frontend's wait-norm-ms)
  --gap-ms <ms>           without /debug/scheduler: gap between sends (default 100)
  --timeout-s <s>         longest wait for a queue condition (default 30)
`;

class UsageError extends Error {}

function positive(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number (got ${JSON.stringify(raw)})`);
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({
      strict: true,
      options: {
        'api-base': { type: 'string' },
        scenario: { type: 'string', default: 'all' },
        output: { type: 'string', default: 'results.json' },
        model: { type: 'string' },
        'boost-wait-ms': { type: 'string' },
        'gap-ms': { type: 'string' },
        'timeout-s': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values['api-base'] === undefined) throw new UsageError('--api-base <url> is required');
  let apiBase: URL;
  try {
    apiBase = new URL(values['api-base']);
  } catch {
    throw new UsageError(`--api-base is not a URL: ${JSON.stringify(values['api-base'])}`);
  }
  const all = waScenarios(positive(values['boost-wait-ms'], 'boost-wait-ms', DEFAULT_BOOST_WAIT_MS));
  const names = values.scenario === 'all' ? all.map((s) => s.name) : values.scenario.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw new UsageError(`unknown scenario(s) ${unknown.join(', ')}; expected all or ${all.map((s) => s.name).join(', ')}`);
  const model = values.model ?? Object.keys(await listModels(apiBase))[0]!;
  const options: WaClientOptions = {
    apiBase,
    model,
    conditionTimeoutMs: positive(values['timeout-s'], 'timeout-s', 30) * 1000,
    gapMs: positive(values['gap-ms'], 'gap-ms', 100),
  };
  const strategy = await detectStrategy(apiBase);
  const results: WaResults = { apiBase: `${apiBase.origin}${apiBase.pathname}`, strategy: describeStrategy(strategy, options.gapMs), scenarios: [] };
  process.stdout.write(`=== Workload-Aware Routing E2E Test === ${results.apiBase} model ${model}; ${results.strategy}\n`);
  for (const scenario of all.filter((s) => names.includes(s.name))) {
    process.stdout.write(`\n--- ${scenario.name}: ${scenario.description} ---\n`);
    const r = await runScenario(options, scenario, strategy);
    results.scenarios.push(r);
    for (const q of [...r.requests].sort((a, b) => a.completionIndex - b.completionIndex)) {
      const who = q.workloadId === undefined ? '(default)' : `${q.workloadId}/${q.criticality}`;
      process.stdout.write(`  #${q.completionIndex + 1} ${q.id.padEnd(14)} ${who.padEnd(14)} sent +${q.sendMs.toFixed(1)} ms  done +${q.completeMs.toFixed(1)} ms  ${q.durationMs.toFixed(1)} ms  HTTP ${q.statusCode}${q.error ? `  ${q.error}` : ''}\n`);
    }
    const verdict = r.inExpectedOrder === null ? 'any order is right' : r.inExpectedOrder ? 'in the expected order' : `NOT in the expected order ${r.expectedOrder!.join(' > ')}`;
    process.stdout.write(`  ${r.allSucceeded ? 'all succeeded' : 'FAILURES'}; ${verdict}\n`);
  }
  await writeResults(values.output, results);
  process.stdout.write(`\nresults: ${values.output}\n`);
  return results.scenarios.every((s) => s.allSucceeded && s.inExpectedOrder !== false) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
