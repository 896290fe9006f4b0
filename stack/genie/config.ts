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

const FLAGS = ['--host', '--port', '--max-tensor-bytes'];
const USAGE = 'usage: genie [--host 127.0.0.1] [--port 8888 (0 = free port)] [--max-tensor-bytes 67108864]';

export function parseArgs(argv: string[]): GenieServerConfig {
  const config: GenieServerConfig = { host: '127.0.0.1', port: 8888, maxTensorBytes: 64 * 1024 * 1024 };
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
