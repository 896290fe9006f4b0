// Entry point: `tsx stack/frontend/main.ts --nats URL --etcd ENDPOINTS --namespace NS ...`.
// Exit 2 on a bad command line, 1 when NATS/etcd cannot be reached.

import { helpText, parseConfig, USAGE, UsageError } from './config.ts';
import { startFrontend } from './frontend.ts';
import { exitOnStartupFailure } from '../startup.ts';
import { log, writeOut } from './log.ts';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`frontend: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const frontend = await startFrontend(config, log);
  log(
    `router_mode=${config.routerMode} scheduler=${config.scheduler} migration_limit=${config.migrationLimit} namespace=${config.namespace}`,
  );
  writeOut(`listening on ${frontend.url}\n`);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log(`received ${signal}, shutting down`);
    frontend.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch(exitOnStartupFailure('frontend'));
