import { renderHelp } from '../cli-help.ts';

export interface GenieServerConfig {
  host: string;
  port: number;
  /** Largest accepted tensor part (the whole .npy file), in bytes. */
  maxTensorBytes: number;
}

/** Subgraph requests carry up to this many tensors, which bounds the request body. */
export const MAX_GRAPH_INPUTS = 4;
/** Room for multipart headers, the op name and the graph JSON. */
const FORM_OVERHEAD_BYTES = 1 << 20;

export const maxRequestBytes = (c: GenieServerConfig): number => c.maxTensorBytes * MAX_GRAPH_INPUTS + FORM_OVERHEAD_BYTES;

const DEFAULTS: GenieServerConfig = { host: '127.0.0.1', port: 8888, maxTensorBytes: 64 * 1024 * 1024 };
export const FLAGS = ['--host', '--port', '--max-tensor-bytes'];
const USAGE = 'usage: genie [--flag value | --flag=value ...]   (--help lists every flag)';

export function helpText(): string {
  return renderHelp(
    USAGE,
    [
      { flag: '--host', value: 'HOST', meaning: 'address the server binds', default: DEFAULTS.host },
      { flag: '--port', value: 'PORT', meaning: 'HTTP port; 0 picks a free one (printed in "listening on")', default: DEFAULTS.port },
      { flag: '--max-tensor-bytes', value: 'N', meaning: 'largest tensor (.npy part) accepted; a larger one is answered 413', default: DEFAULTS.maxTensorBytes },
    ],
    ['Serves POST /execute and /execute_subgraph, GET /, /health and /stats (see stack/genie/README.md). Exit 2: bad command line; 1: cannot start.'],
  );
}

export function parseArgs(argv: string[]): GenieServerConfig {
  const config: GenieServerConfig = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!FLAGS.includes(flag)) throw new Error(`unknown option '${flag}'\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    const int = (min: number, max: number): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer in [${min}, ${max}], got '${value}'\n${USAGE}`);
      return n;
    };
    if (flag === '--host') config.host = value;
    else if (flag === '--port') config.port = int(0, 65535);
    else config.maxTensorBytes = int(128, 2 ** 31);
  }
  return config;
}
