import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'servewright';
import { isGone, readProc } from '../../fixtures/process/os-processes.ts';
import { REPO_ROOT } from '../../fixtures/state-dir.ts';

const tag = ['@e2e', '@framework'];
const SCRIPTS = join(REPO_ROOT, 'scripts/containers');

function script(name: string, args: string[] = [], env: Record<string, string> = {}) {
  return execa('bash', [join(SCRIPTS, name), ...args], { env, reject: false });
}

function docker(dir: string, ...args: string[]) {
  return execa('docker', args, { env: { DOCKER_HOST: `unix://${dir}/docker.sock` } });
}

async function bridgeExists(name: string): Promise<boolean> {
  return (await execa('ip', ['link', 'show', name], { reject: false })).exitCode === 0;
}

async function waitGone(pid: number): Promise<void> {
  const proc = readProc(pid);
  if (!proc) return;
  await expect.poll(() => isGone(proc), { timeout: 20_000 }).toBe(true);
}

test.describe('private dockerd scripts', { tag }, () => {
  test.beforeEach(async () => {
    test.skip(process.getuid?.() !== 0, 'needs root: start-dockerd.sh creates a network bridge');
    const dockerd = await execa('bash', ['-c', 'command -v dockerd'], { reject: false });
    test.skip(dockerd.exitCode !== 0, 'dockerd not installed (scripts/containers/install-docker.sh installs it)');
  });

  test('a dockerd killed with a container running is cleaned up by the next start, then stop leaves nothing', async () => {
    test.setTimeout(120_000);
    const first = await script('start-dockerd.sh');
    expect(first.exitCode, first.stderr).toBe(0);
    const killedDir = first.stdout.trim();
    const dockerdPid = Number(readFileSync(join(killedDir, 'dockerd.pid'), 'utf8'));
    const bridge = readFileSync(join(killedDir, 'bridge'), 'utf8').trim();
    let secondDir: string | undefined;
    try {
      const build = await script('build-local-images.sh', [], { DOCKER_HOST: `unix://${killedDir}/docker.sock` });
      expect(build.exitCode, build.stderr).toBe(0);
      const id = (await docker(killedDir, 'run', '-d', 'servewright/nats:local')).stdout.trim();
      const containerPid = Number((await docker(killedDir, 'inspect', '-f', '{{.State.Pid}}', id)).stdout);
      process.kill(dockerdPid, 'SIGKILL');
      await waitGone(dockerdPid);
      expect(readProc(containerPid), 'the container outlives its killed dockerd').toBeDefined();

      const second = await script('start-dockerd.sh');
      expect(second.exitCode, second.stderr).toBe(0);
      secondDir = second.stdout.trim();
      expect(second.stderr).toContain(`ended container process ${containerPid}`);
      expect(second.stderr).toContain(`removed state of a dead earlier run: ${killedDir}`);
      await waitGone(containerPid);
      expect(existsSync(killedDir)).toBe(false);
      expect(await bridgeExists(bridge)).toBe(false);

      const secondPid = Number(readFileSync(join(secondDir, 'dockerd.pid'), 'utf8'));
      const secondBridge = readFileSync(join(secondDir, 'bridge'), 'utf8').trim();
      const stop = await script('stop-dockerd.sh', [secondDir]);
      expect(stop.exitCode, stop.stderr).toBe(0);
      await waitGone(secondPid);
      expect(existsSync(secondDir)).toBe(false);
      expect(await bridgeExists(secondBridge)).toBe(false);
      secondDir = undefined;
    } finally {
      if (secondDir) await script('stop-dockerd.sh', [secondDir]);
      if (existsSync(killedDir)) await script('stop-dockerd.sh', [killedDir]);
    }
  });
});
