// The client and server suites against real torch: stack/genie/torch_server.py (the
// simple_server v0.1 HTTP contract, torch.save tensors, CUDA when present) started with the
// first Python that has torch. Skips, before starting anything, where there is none. @slow:
// every test starts a Python + torch process (seconds each).
import { fileURLToPath } from 'node:url';
import { findTorchPython, launchConfigFromEnv, test, type GenieLaunchConfig } from 'servewright';
import { clientSuite } from './suites/client-suite.ts';
import { serverSuite } from './suites/server-suite.ts';

const SERVER = fileURLToPath(new URL('../../stack/genie/torch_server.py', import.meta.url));

test.use({
  genieConfig: async ({}, use) => {
    const torch = await findTorchPython();
    test.skip(torch.python === undefined, torch.python === undefined ? torch.reason : '');
    const config: GenieLaunchConfig = {
      ...launchConfigFromEnv({ GENIE_MAX_TENSOR_BYTES: process.env.GENIE_MAX_TENSOR_BYTES }),
      profile: 'real',
      command: `${torch.python} ${SERVER} --host {host} --port {port}`,
      readyTimeoutMs: 120_000,
      wire: 'torch',
    };
    await use(config);
  },
});

test.describe('torch server: client side', () => clientSuite('@slow'));
test.describe('torch server: server side', () => serverSuite('@slow'));
