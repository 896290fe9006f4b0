// servewright.deployment.yaml: what a valid file gives the external backend, and that every
// bad field is named with its file, line and path, all of them at once, in file order.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from 'servewright';
import { DeploymentFileError, killCommandFor, loadDeployment, parseDeployment, resolveFromDeployment } from '../../fixtures/external/deployment-file.ts';
import { unmetByDeployment } from '../../fixtures/external/attach-deployment.ts';

const tags = { tag: ['@e2e', '@framework'] };

const VALID = `profile: reference
model: mock-model
frontend:
  url: http://127.0.0.1:8000/
  logs: { command: "docker logs -f frontend", ready: "listening on" }
  routerMode: round-robin
  migrationLimit: 3
workers:
  - id: worker-0
    metrics: http://127.0.0.1:8001/metrics
    logs: { file: logs/worker-0.log }
    kill: { command: "docker kill -s {signal} worker-0" }
  - id: worker-1
    role: decode
    url: http://127.0.0.1:8002
    metrics: http://127.0.0.1:8002/metrics
    kill: { SIGKILL: "kubectl delete pod worker-1 --grace-period=0 --force" }
`;

function problems(text: string): string[] {
  try {
    parseDeployment(text, 'deploy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(DeploymentFileError);
    return (err as DeploymentFileError).problems;
  }
  throw new Error('the file was accepted');
}

test('a valid file: defaults, trailing slash, relative log files and both kill forms', tags, () => {
  const d = parseDeployment(VALID, '/etc/sw/servewright.deployment.yaml');
  expect(d.frontend.url).toBe('http://127.0.0.1:8000');
  expect(d.workers.map((w) => [w.id, w.role])).toEqual([['worker-0', 'agg'], ['worker-1', 'decode']]);
  expect(resolveFromDeployment(d, d.workers[0]!.logs!.file!)).toBe('/etc/sw/logs/worker-0.log');
  expect(killCommandFor(d.workers[0]!.kill, 'SIGKILL')).toBe('docker kill -s KILL worker-0');
  expect(killCommandFor(d.workers[0]!.kill, 'SIGTERM')).toBe('docker kill -s TERM worker-0');
  expect(killCommandFor(d.workers[1]!.kill, 'SIGKILL')).toBe('kubectl delete pod worker-1 --grace-period=0 --force');
  expect(killCommandFor(d.workers[1]!.kill, 'SIGTERM')).toBeUndefined();
  expect(d.workers[1]!.logs).toBeUndefined();
});

test('every bad field is named by file, line and path, in file order', tags, () => {
  expect(problems(`frontend:
  url: ftp://127.0.0.1:8000
  migrationLimit: -1
  logs: { command: a, file: b }
workers:
  - id: w0
    metrics: http://127.0.0.1:8001/metrics
    kill: { command: "docker kill w0" }
  - id: w1
    metrcs: http://127.0.0.1:8002/metrics
    logs: { command: "tail -F x", ready: "(" }
    role: leader
`)).toEqual([
    'deploy.yaml:2: frontend.url: must be an http(s) URL',
    'deploy.yaml:3: frontend.migrationLimit: Too small: expected number to be >=0',
    'deploy.yaml:4: frontend.logs: give exactly one of command or file',
    'deploy.yaml:8: workers[0].kill.command: command must contain {signal} (or give SIGKILL/SIGTERM commands instead)',
    'deploy.yaml:9: workers[1].metrics: required field is missing',
    'deploy.yaml:10: workers[1].metrcs: unknown field',
    'deploy.yaml:11: workers[1].logs.ready: must be a valid regular expression',
    'deploy.yaml:12: workers[1].role: Invalid option: expected one of "agg"|"prefill"|"decode"',
  ]);
});

test('top-level mistakes: unknown profile, no workers, duplicate ids, a kill form mixed with the other', tags, () => {
  expect(problems(`profile: sglang\nfrontend: { url: "http://127.0.0.1:8000" }\nworkers: []\n`)).toEqual([
    'deploy.yaml:1: profile: must be one of reference, dynamo, dynamo-mocker, vllm',
    'deploy.yaml:3: workers: Too small: expected array to have >=1 items',
  ]);
  const worker = (id: string, kill = '') => `  - id: ${id}\n    metrics: http://127.0.0.1:8001/metrics\n${kill}`;
  expect(problems(`frontend: { url: "http://127.0.0.1:8000" }\nworkers:\n${worker('a')}${worker('a')}`)).toEqual([
    'deploy.yaml:5: workers[1].id: duplicate worker id "a"',
  ]);
  expect(problems(`frontend: { url: "http://127.0.0.1:8000" }\nworkers:\n${worker('a', '    kill: { command: "kill -s {signal} 1", SIGKILL: "x" }\n')}`)).toEqual([
    'deploy.yaml:5: workers[0].kill: give either command (with {signal}) or SIGKILL and/or SIGTERM',
  ]);
  expect(problems('frontend: {}\n')).toEqual([
    'deploy.yaml:1: frontend.url: required field is missing',
    'deploy.yaml:1: workers: required field is missing',
  ]);
});

test('YAML that does not parse, and a file that cannot be read, name the file', tags, () => {
  expect(problems('frontend:\n  url: [http://x\nworkers: 1\n')).toEqual([expect.stringMatching(/^deploy\.yaml:3: YAML: /)]);
  const dir = mkdtempSync(join(tmpdir(), 'sw-deploy-'));
  expect(() => loadDeployment(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read: ENOENT/);
  writeFileSync(join(dir, 'bad.yaml'), 'frontend: 3\nworkers: []\n');
  expect(() => loadDeployment(join(dir, 'bad.yaml'))).toThrow(/invalid deployment file .*bad\.yaml:\n  .*bad\.yaml:1: frontend: Invalid input: expected object, received number/);
});

test('what a running deployment cannot be is said, not ignored', tags, () => {
  const d = parseDeployment(VALID, 'deploy.yaml');
  const agg = parseDeployment(VALID.replace('role: decode', 'role: agg'), 'deploy.yaml');
  expect(unmetByDeployment(agg, { frontend: { routerMode: 'round-robin', migrationLimit: 3 }, workers: 2 })).toBeUndefined();
  expect(unmetByDeployment(agg, { workers: 1 })).toBe('deployment deploy.yaml: the spec needs 1 worker(s), the deployment has 2');
  expect(unmetByDeployment(agg, { frontend: { migrationLimit: 0 }, workers: 2 })).toBe(
    'deployment deploy.yaml: the spec needs frontend migrationLimit 0, the deployment declares 3 (frontend.migrationLimit)',
  );
  expect(unmetByDeployment(agg, { frontend: { args: ['--x'] }, workers: 2 })).toBe('deployment deploy.yaml: the spec sets frontend args, which a running deployment cannot take');
  expect(unmetByDeployment(agg, { workers: [{ maxNumSeqs: 1 }, {}] })).toBe('deployment deploy.yaml: the spec sets worker maxNumSeqs, which a running deployment cannot take');
  expect(unmetByDeployment(d, { workers: 2 })).toBe('deployment deploy.yaml: the spec needs worker roles agg,agg, the deployment has agg,decode');
  expect(unmetByDeployment(d, { workers: [{ id: 'worker-1', role: 'prefill' }, {}] })).toBe(
    'deployment deploy.yaml: the spec needs worker "worker-1" (role prefill), the deployment has worker-0 (agg), worker-1 (decode)',
  );
  expect(unmetByDeployment(d, { workers: [{ id: 'worker-1', role: 'decode' }, { id: 'worker-0' }] })).toBeUndefined();
});
