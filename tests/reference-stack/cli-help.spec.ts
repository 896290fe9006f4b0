// `--help` of worker, frontend and genie: exit 0, every flag the parser accepts on a line
// with its meaning, and every default shown is the one the parser really applies (parsing
// the shown value gives the same options as parsing nothing).

import { spawnSync } from 'node:child_process';
import { test, expect } from 'servewright';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { FLAGS as FRONTEND_FLAGS, helpText as frontendHelp, parseConfig } from '../../stack/frontend/config.ts';
import { FLAGS as GENIE_FLAGS, helpText as genieHelp, parseArgs as parseGenieArgs } from '../../stack/genie/config.ts';
import { FLAGS as WORKER_FLAGS, helpText as workerHelp, parseWorkerArgs } from '../../stack/worker/cli.ts';

interface Program {
  bundle: 'worker' | 'frontend' | 'genie';
  help: string;
  flags: string[];
  parse(argv: string[]): unknown;
}

const PROGRAMS: Program[] = [
  // A fixed id: the default one is random.
  { bundle: 'worker', help: workerHelp(), flags: Object.keys(WORKER_FLAGS), parse: (argv) => parseWorkerArgs(['--worker-id', 'w', ...argv], {}) },
  { bundle: 'frontend', help: frontendHelp(), flags: Object.keys(FRONTEND_FLAGS).map((f) => `--${f}`), parse: (argv) => parseConfig(argv, {}) },
  { bundle: 'genie', help: genieHelp(), flags: GENIE_FLAGS, parse: parseGenieArgs },
];

const FLAG_LINE = /^ {2}(--[\w-]+(?:, --[\w-]+)*) (\S+) +(\S.*?)(?: \(default: ([^)]*)\))?$/;

for (const program of PROGRAMS) {
  test(`${program.bundle} --help lists every flag with its meaning and its real default`, { tag: ['@e2e', '@reference-stack'] }, () => {
    const run = spawnSync(process.execPath, [stackBundlePath(program.bundle), '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${program.help}\n`);

    const lines = program.help.split('\n').filter((l) => l.startsWith('  --'));
    const parsed = lines.map((line) => {
      const m = FLAG_LINE.exec(line);
      expect(m, line).not.toBeNull();
      return { spellings: m![1]!.split(', '), meaning: m![3]!, default: m![4] };
    });
    expect(parsed.flatMap((p) => p.spellings).sort()).toEqual([...program.flags].sort());
    const none = program.parse([]);
    for (const p of parsed) {
      expect(p.meaning.length, p.spellings[0]).toBeGreaterThan(10);
      if (p.default !== undefined) expect(program.parse([p.spellings[0]!, p.default]), `${p.spellings[0]} ${p.default}`).toEqual(none);
    }
    expect(parsed.filter((p) => p.default !== undefined).length).toBeGreaterThan(1);
  });
}
