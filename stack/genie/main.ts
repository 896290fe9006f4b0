// Mock Genie tensor server: `npm run genie -- --host 127.0.0.1 --port 0`.
import type { AddressInfo } from 'node:net';
import { exitOnStartupFailure, listen } from '../startup.ts';
import { helpText, parseArgs } from './config.ts';
import { createGenieServer } from './server.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText());
  process.exit(0);
}
let config;
try {
  config = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

const server = createGenieServer(config);
// Clients may spend seconds between requests on 64 MiB tensors (encode, compare); Node's 5 s
// default would close the idle socket just as they reuse it (EPIPE on a POST, not retryable).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
listen(server, config.port, config.host).then(() => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://${config.host}:${port}`);
}, exitOnStartupFailure('genie'));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
