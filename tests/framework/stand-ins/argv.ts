// A command line parsed as the real command parses it, from the corpus: exactly the flags
// the contract lists are accepted, a choice outside the listed ones and an unknown flag
// exit the way upstream does (contracts/<engine>/<contract>, commands.*.unknownFlag).

import type { CommandContract } from '../../../contracts/loader.ts';

export interface ParsedCommand {
  flags: Map<string, string>;
  positionals: string[];
}

/** argparse's error exit: usage line, `prog: error: message`, status 2. */
export function usage(prog: string, message: string): never {
  process.stderr.write(`usage: ${prog} [options]\n${prog}: error: ${message}\n`);
  process.exit(2);
}

export function requireEnv(prog: string, name: string): string {
  const value = process.env[name];
  if (!value) usage(prog, `environment variable ${name} is not set`);
  return value;
}

function refuseUnknown(prog: string, command: CommandContract, unknown: string[]): never {
  const message = command.unknownFlag.message
    .replace('{unknown_list}', `[${unknown.map((u) => `'${u}'`).join(', ')}]`)
    .replace('{unknown}', unknown.join(' '));
  if (command.unknownFlag.exitCode === 2) usage(prog, message);
  process.stderr.write(`${message}\n`);
  process.exit(command.unknownFlag.exitCode);
}

export function parseCommand(prog: string, command: CommandContract, argv: readonly string[]): ParsedCommand {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    const kind = command.flags[name];
    if (kind === undefined) {
      unknown.push(arg);
      // parse_known_args keeps an unknown flag's value with it.
      if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) unknown.push(argv[++i]!);
      continue;
    }
    if (kind === 'switch') {
      flags.set(name, 'true');
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) usage(prog, `argument ${name}: expected one argument`);
    const choices = command.choices[name];
    if (choices && !choices.includes(value)) usage(prog, `argument ${name}: invalid choice: '${value}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`);
    flags.set(name, value);
  }
  if (unknown.length > 0) refuseUnknown(prog, command, unknown);
  if (positionals.length !== command.positionals) usage(prog, `expected ${command.positionals} positional argument(s), got: ${positionals.join(' ') || 'none'}`);
  return { flags, positionals };
}
