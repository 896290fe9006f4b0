// argparse-style strict parsing: a stand-in must refuse a flag the real CLI would refuse,
// or a profile's typo would pass here and fail on the GPU box.

export type FlagKind = 'value' | 'switch';

export function parseFlags(prog: string, argv: readonly string[], known: Readonly<Record<string, FlagKind>>, positionals = 0): { flags: Map<string, string>; positionals: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    const kind = known[name];
    if (kind === undefined) usage(prog, `unrecognized arguments: ${arg}`);
    if (kind === 'switch') flags.set(name, 'true');
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) usage(prog, `argument ${name}: expected one argument`);
      flags.set(name, value);
    }
  }
  if (rest.length !== positionals) usage(prog, `expected ${positionals} positional argument(s), got: ${rest.join(' ') || 'none'}`);
  return { flags, positionals: rest };
}

export function usage(prog: string, message: string): never {
  process.stderr.write(`usage: ${prog} [options]\n${prog}: error: ${message}\n`);
  process.exit(2);
}

export function requireEnv(prog: string, name: string): string {
  const value = process.env[name];
  if (!value) usage(prog, `environment variable ${name} is not set`);
  return value;
}
