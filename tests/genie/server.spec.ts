// Server side of the Genie seed against the configured server, plus the mock's command line.
import { execa } from 'execa';
import { stackBundlePath } from '../../fixtures/state-dir.ts';
import { expect, test } from 'servewright';
import { serverSuite } from './suites/server-suite.ts';

const E2E = { tag: ['@e2e', '@genie'] };

serverSuite('@e2e');

test('mock command line: bad options and a taken port exit with a clear message', E2E, async ({ genieConfig, genieStart }) => {
  test.skip(genieConfig.profile !== 'mock', 'checks the bundled mock server binary, not the configured server');
  const server = await genieStart('genie');
  const run = (...args: string[]) => execa(process.execPath, [stackBundlePath('genie'), ...args], { reject: false, timeout: 20_000 });
  const badPort = await run('--port', 'eighty');
  expect(badPort.exitCode).toBe(2);
  expect(badPort.stderr).toContain("--port must be an integer in [0, 65535], got 'eighty'");
  const unknown = await run('--gpu');
  expect(unknown.stderr).toContain("unknown option '--gpu'");
  const taken = await run('--port', String(server.port));
  expect(taken.exitCode).toBe(1);
  expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${server.port}`);
});
