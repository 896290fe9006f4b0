// The contract corpus: what each upstream engine release accepts, prints and exposes, read
// from contracts/<engine>/<contract>/contract.json. Every fact cites the upstream file it was
// read from (path@commit), so profiles and stand-ins are checked against upstream, not
// against our own belief. A malformed file fails loading with its path and field.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrometheus } from '../protocol/prometheus-parse.ts';

export const CONTRACTS_DIR = fileURLToPath(new URL('.', import.meta.url));

export type FlagKind = 'value' | 'switch';

export interface CommandContract {
  argv: string[];
  /** Positional arguments after argv (the model of `vllm serve`). */
  positionals: number;
  flags: Record<string, FlagKind>;
  choices: Record<string, string[]>;
  /** What the real command does with a flag it does not know; `{unknown}` in message is the flags space-separated, `{unknown_list}` a Python list of them. */
  unknownFlag: { exitCode: number; message: string };
  sources: string[];
}

export interface LogContract {
  /** Which process prints it: frontend, worker, prefill-worker or server. */
  process: string;
  line: string;
  /** The request id inside `line`, for lines that carry one. */
  requestId?: string;
  note?: string;
  sources: string[];
}

export interface HealthContract {
  status: number;
  body: unknown;
  note?: string;
  sources: string[];
}

export interface MetricsContract {
  exposition: string;
  note?: string;
  sources: string[];
}

export interface EngineContract {
  /** The file it came from, relative to contracts/. */
  file: string;
  engine: string;
  contract: string;
  repository: string;
  /** The Python distribution whose installed version selects the contract. */
  distribution: string;
  versions: { from: string; below?: string };
  sampleVersion: string;
  versionBasis: string;
  commands: Record<string, CommandContract>;
  env: Record<string, { default?: string; choices?: string[]; sources: string[] }>;
  logs: Record<string, LogContract>;
  health: Record<string, HealthContract>;
  sse: Record<string, { text: string; then?: string; sources: string[] }>;
  responses: Record<string, { description: string; example: unknown; sources: string[] }>;
  metrics: Record<string, MetricsContract>;
  semantics: Record<string, { description: string; sources: string[]; [fact: string]: unknown }>;
}

// `path@commit`, optionally `owner/repo:` in front for a file of another repository; or a
// pull request / issue thread URL for what only a thread shows (the log line layout).
const SOURCE = /^(?:[\w.-]+\/[\w.-]+:)?[\w./-]+@[0-9a-f]{7,40}$|^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:pull|issues)\/\d+$/;

class ContractError extends Error {
  constructor(file: string, field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
    this.name = 'ContractError';
  }
}

type Json = Record<string, unknown>;

function object(file: string, field: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ContractError(file, field, `expected an object, got ${JSON.stringify(value)}`);
  return value as Json;
}

function string(file: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ContractError(file, field, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function sources(file: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new ContractError(file, field, 'expected at least one upstream source (path@commit)');
  return value.map((s, i) => {
    const source = string(file, `${field}[${i}]`, s);
    if (!SOURCE.test(source)) throw new ContractError(file, `${field}[${i}]`, `"${source}" is not path@commit (or owner/repo:path@commit, or a GitHub thread URL)`);
    return source;
  });
}

function entries<T>(file: string, field: string, value: unknown, read: (field: string, v: Json) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(object(file, field, value)).map(([k, v]) => [k, read(`${field}.${k}`, object(file, `${field}.${k}`, v))]));
}

function command(file: string, field: string, v: Json): CommandContract {
  const flags = object(file, `${field}.flags`, v.flags);
  for (const [flag, kind] of Object.entries(flags)) {
    if (kind !== 'value' && kind !== 'switch') throw new ContractError(file, `${field}.flags.${flag}`, `expected "value" or "switch", got ${JSON.stringify(kind)}`);
  }
  const choices = object(file, `${field}.choices`, v.choices ?? {});
  for (const [flag, list] of Object.entries(choices)) {
    if (!(flag in flags)) throw new ContractError(file, `${field}.choices.${flag}`, 'choices for a flag that is not in flags');
    if (!Array.isArray(list) || list.some((c) => typeof c !== 'string')) throw new ContractError(file, `${field}.choices.${flag}`, 'expected a list of strings');
  }
  const unknown = object(file, `${field}.unknownFlag`, v.unknownFlag);
  if (typeof unknown.exitCode !== 'number') throw new ContractError(file, `${field}.unknownFlag.exitCode`, 'expected a number');
  const argv = v.argv;
  if (!Array.isArray(argv) || argv.length === 0) throw new ContractError(file, `${field}.argv`, 'expected the command words');
  return {
    argv: argv.map((a, i) => string(file, `${field}.argv[${i}]`, a)),
    positionals: typeof v.positionals === 'number' ? v.positionals : 0,
    flags: flags as Record<string, FlagKind>,
    choices: choices as Record<string, string[]>,
    unknownFlag: { exitCode: unknown.exitCode, message: string(file, `${field}.unknownFlag.message`, unknown.message) },
    sources: sources(file, `${field}.sources`, v.sources),
  };
}

function logLine(file: string, field: string, v: Json): LogContract {
  const line = string(file, `${field}.line`, v.line);
  const requestId = v.requestId === undefined ? undefined : string(file, `${field}.requestId`, v.requestId);
  if (requestId !== undefined && !line.includes(requestId)) throw new ContractError(file, `${field}.requestId`, `"${requestId}" does not occur in the line`);
  return {
    process: string(file, `${field}.process`, v.process),
    line,
    ...(requestId === undefined ? {} : { requestId }),
    ...(v.note === undefined ? {} : { note: string(file, `${field}.note`, v.note) }),
    sources: sources(file, `${field}.sources`, v.sources),
  };
}

function metrics(file: string, field: string, v: Json): MetricsContract {
  const exposition = string(file, `${field}.exposition`, v.exposition);
  try {
    parsePrometheus(exposition);
  } catch (err) {
    throw new ContractError(file, `${field}.exposition`, (err as Error).message);
  }
  return { exposition, ...(v.note === undefined ? {} : { note: string(file, `${field}.note`, v.note) }), sources: sources(file, `${field}.sources`, v.sources) };
}

function withSources<T extends Json>(file: string, field: string, v: Json): T & { sources: string[] } {
  return { ...(v as T), sources: sources(file, `${field}.sources`, v.sources) };
}

export function parseContract(file: string, raw: unknown): EngineContract {
  const v = object(file, '(root)', raw);
  const versions = object(file, 'versions', v.versions);
  for (const key of ['from', 'below'] as const) {
    if (versions[key] !== undefined && parseVersion(String(versions[key])) === undefined) throw new ContractError(file, `versions.${key}`, `"${String(versions[key])}" is not a version`);
  }
  const logFormat = object(file, 'logFormat', v.logFormat);
  sources(file, 'logFormat.sources', logFormat.sources);
  return {
    file,
    engine: string(file, 'engine', v.engine),
    contract: string(file, 'contract', v.contract),
    repository: string(file, 'repository', v.repository),
    distribution: string(file, 'distribution', v.distribution),
    versions: { from: string(file, 'versions.from', versions.from), ...(versions.below === undefined ? {} : { below: string(file, 'versions.below', versions.below) }) },
    sampleVersion: string(file, 'sampleVersion', v.sampleVersion),
    versionBasis: string(file, 'versionBasis', v.versionBasis),
    commands: entries(file, 'commands', v.commands, (f, c) => command(file, f, c)),
    env: entries(file, 'env', v.env, (f, e) => withSources(file, f, e)),
    logs: entries(file, 'logs', v.logs, (f, l) => logLine(file, f, l)),
    health: entries(file, 'health', v.health, (f, h) => {
      if (typeof h.status !== 'number') throw new ContractError(file, `${f}.status`, 'expected an HTTP status');
      return withSources<HealthContract & Json>(file, f, h);
    }),
    sse: entries(file, 'sse', v.sse, (f, s) => ({ ...withSources<Json>(file, f, s), text: string(file, `${f}.text`, s.text) }) as EngineContract['sse'][string]),
    responses: entries(file, 'responses', v.responses, (f, r) => withSources(file, f, r) as EngineContract['responses'][string]),
    metrics: entries(file, 'metrics', v.metrics, (f, m) => metrics(file, f, m)),
    semantics: entries(file, 'semantics', v.semantics, (f, s) => ({ ...withSources<Json>(file, f, s), description: string(file, `${f}.description`, s.description) })),
  };
}

let corpus: EngineContract[] | undefined;

/** Every contract.json under contracts/, parsed and validated once per process. */
export function loadContracts(dir = CONTRACTS_DIR): EngineContract[] {
  if (dir === CONTRACTS_DIR && corpus) return corpus;
  const found: EngineContract[] = [];
  for (const engine of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const version of readdirSync(join(dir, engine.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const path = join(dir, engine.name, version.name, 'contract.json');
      if (!existsSync(path)) continue;
      const file = relative(dir, path);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new ContractError(file, '(file)', `not JSON: ${(err as Error).message}`);
      }
      const contract = parseContract(file, raw);
      if (contract.engine !== engine.name) throw new ContractError(file, 'engine', `"${contract.engine}" but the file is under ${engine.name}/`);
      if (contract.contract !== version.name) throw new ContractError(file, 'contract', `"${contract.contract}" but the file is under ${engine.name}/${version.name}/`);
      found.push(contract);
    }
  }
  const sorted = found.sort((a, b) => a.engine.localeCompare(b.engine) || compareVersions(a.versions.from, b.versions.from));
  if (dir === CONTRACTS_DIR) corpus = sorted;
  return sorted;
}

export function contractsOf(engine: string): EngineContract[] {
  const list = loadContracts().filter((c) => c.engine === engine);
  if (list.length === 0) throw new Error(`no contracts for engine "${engine}" under ${CONTRACTS_DIR} (have: ${[...new Set(loadContracts().map((c) => c.engine))].join(', ')})`);
  return list;
}

export function contractById(id: string): EngineContract {
  const [engine, name] = id.split('/');
  const found = loadContracts().find((c) => c.engine === engine && c.contract === name);
  if (!found) throw new Error(`no contract "${id}" (have: ${loadContracts().map((c) => `${c.engine}/${c.contract}`).join(', ')})`);
  return found;
}

/** Numeric release parts of a Python version ("0.8.0", "1.0.0rc1", "0.12.0+cu128"); undefined when there are none. */
export function parseVersion(version: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(version.trim());
  return m ? m[1]!.split('.').map(Number) : undefined;
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [];
  const pb = parseVersion(b) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export type ContractChoice =
  | { ok: true; contract: EngineContract; /** Said once per run when the choice is a fallback. */ note?: string }
  | { ok: false; reason: string };

/**
 * The contract for an installed version: the one whose range holds it; a version newer than
 * every range (or one that cannot be read) gets the newest contract with a note; a version
 * older than every range has none.
 */
export function contractFor(engine: string, version: string | undefined): ContractChoice {
  const list = contractsOf(engine);
  const newest = list.at(-1)!;
  const id = (c: EngineContract): string => `${c.engine}/${c.contract}`;
  if (version === undefined || parseVersion(version) === undefined) {
    return { ok: true, contract: newest, note: `${newest.distribution} version ${version === undefined ? 'unknown' : `"${version}" unreadable`}: using the newest contract ${id(newest)}` };
  }
  const holding = list.find((c) => compareVersions(version, c.versions.from) >= 0 && (c.versions.below === undefined || compareVersions(version, c.versions.below) < 0));
  if (holding) return { ok: true, contract: holding };
  const oldest = list[0]!;
  if (compareVersions(version, oldest.versions.from) < 0) {
    return { ok: false, reason: `${oldest.distribution} ${version} is older than every contract (oldest: ${id(oldest)} from ${oldest.versions.from})` };
  }
  return { ok: true, contract: newest, note: `${newest.distribution} ${version} is newer than every contract: using the newest, ${id(newest)} (from ${newest.versions.from})` };
}

const said = new Set<string>();
/** Prints a contract note the first time this process meets it. */
export function sayOnce(note: string | undefined): void {
  if (note === undefined || said.has(note)) return;
  said.add(note);
  console.warn(`servewright: ${note}`);
}
