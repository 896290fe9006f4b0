// `servewright init`: scaffolds a Playwright config, one example spec and a `test:e2e`
// script in an existing project. It never overwrites: every conflict is named and nothing
// is written unless everything can be.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jsonErrorOffset, lineColumn } from './json-location.ts';
import { CONFIG, CONFIG_NAMES, SCRIPT, SCRIPT_NAME, SPEC, configFile, specFile } from './templates.ts';

/** Why init wrote nothing; `problems` are complete sentences, one per line of output. */
export class InitRefused extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'InitRefused';
  }
}

interface PackageJson {
  text: string;
  json: Record<string, unknown>;
}

function readPackageJson(dir: string): PackageJson {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) throw new InitRefused([`${path}: not found; init adds to an existing project (npm init first)`]);
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text) ?? text.length;
    const { line, column } = lineColumn(text, offset);
    const found = offset < text.length ? `unexpected ${JSON.stringify(text[offset])}` : 'unexpected end of input';
    throw new InitRefused([`${path}:${line}:${column}: not valid JSON: ${found}`]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InitRefused([`${path}:1:1: expected a JSON object`]);
  const scripts = (json as Record<string, unknown>).scripts;
  if (scripts !== undefined && (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts))) {
    throw new InitRefused([`${path}: "scripts" must be an object`]);
  }
  return { text, json: json as Record<string, unknown> };
}

/** The same JSON with the script added, in the file's own indentation and final newline. */
function withScript(pkg: PackageJson): string {
  const indent = /^[ \t]+(?=")/m.exec(pkg.text)?.[0] ?? '  ';
  const scripts = { ...(pkg.json.scripts as Record<string, string> | undefined), [SCRIPT_NAME]: SCRIPT };
  return JSON.stringify({ ...pkg.json, scripts }, null, indent) + (pkg.text.endsWith('\n') ? '\n' : '');
}

/** Scaffolds `dir`; returns what it wrote and changed, one line each. */
export function init(dir: string): string[] {
  const pkg = readPackageJson(dir);
  const ext = pkg.json.type === 'module' ? 'ts' : 'mts';
  const [config, spec] = [configFile(ext), specFile(ext)];
  const conflicts = [
    ...CONFIG_NAMES.filter((name) => existsSync(join(dir, name))).map((name) => `${join(dir, name)}: exists (init writes ${config})`),
    ...(existsSync(join(dir, spec)) ? [`${join(dir, spec)}: exists`] : []),
    ...((pkg.json.scripts as Record<string, unknown> | undefined)?.[SCRIPT_NAME] !== undefined ? [`${join(dir, 'package.json')}: scripts["${SCRIPT_NAME}"] exists`] : []),
  ];
  if (conflicts.length > 0) throw new InitRefused(conflicts);
  const files: Array<[string, string, string]> = [
    [config, CONFIG, `wrote ${config}${ext === 'mts' ? ' (.mts: this package is CommonJS, servewright an ES module)' : ''}`],
    [spec, SPEC, `wrote ${spec}`],
    ['package.json', withScript(pkg), `added scripts["${SCRIPT_NAME}"]: "${SCRIPT}" to package.json`],
  ];
  for (const [file, content] of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return files.map(([, , said]) => said);
}
