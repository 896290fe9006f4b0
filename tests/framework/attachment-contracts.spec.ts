// The typed report attachments have one contract (protocol/attachments/) that the writers
// (fixtures, scheduling specs) check before attaching and the Markdown reporter checks when
// reading: what a writer can attach, the reporter reads, and a writer's mistake fails the
// test that made it.

import { test, expect } from 'servewright';
import { GenieResults } from '../../fixtures/genie/results.ts';
import { GENIE_RESULTS } from '../../protocol/attachments/genie-results.ts';
import { attachJson, type Attacher } from '../../protocol/attachments/json-attachment.ts';
import { SCENARIO_METRICS, type ScenarioMetrics } from '../../protocol/attachments/scenario-metrics.ts';
import { parseJsonAttachment, type AttachmentLike } from '../../reporters/markdown/attachments.ts';

const tags = { tag: ['@e2e', '@framework', '@reporting'] };

/** Keeps what would be attached, for the reporter side to read back. */
function recorder(): Attacher & { attached: AttachmentLike[] } {
  const attached: AttachmentLike[] = [];
  return { attached, attach: async (name, { body, contentType }) => void attached.push({ name, contentType, body: Buffer.from(body) }) };
}

const metrics: ScenarioMetrics = {
  scenario: 'round trip',
  totalDurationMs: 12,
  requests: 2,
  latencyMs: { min: 1, avg: 2, max: 3, p95: 3 },
  tokens: 8,
  engineDistribution: { 'w-a': 2 },
};

test('scenario-metrics: what a writer attaches the reporter reads; an off-contract value fails at the writer naming the field', tags, async () => {
  const info = recorder();
  await attachJson(info, SCENARIO_METRICS, metrics);
  expect(info.attached.map((a) => a.name)).toEqual(['scenario-metrics']);
  expect(parseJsonAttachment(info.attached[0]!, SCENARIO_METRICS.schema, 'x.spec.ts:1')).toEqual({ ok: true, value: metrics });

  const broken = { ...metrics, latencyMs: { ...metrics.latencyMs, p95: -1 } };
  await expect(attachJson(info, SCENARIO_METRICS, broken)).rejects.toThrow(/^attachment "scenario-metrics" does not match its contract: latencyMs\.p95: /);
  expect(info.attached).toHaveLength(1);
});

test("genie-results: the genie fixture's document is read back as written; an unknown test_type fails at the writer", tags, async () => {
  const results = new GenieResults('client_side');
  await results.check('reachable', async () => 'ok');
  results.skip('gpu', 'no GPU here');
  const info = recorder();
  await attachJson(info, GENIE_RESULTS, results.toJSON());
  expect(parseJsonAttachment(info.attached[0]!, GENIE_RESULTS.schema, 'genie.spec.ts:1')).toEqual({ ok: true, value: results.toJSON() });
  const wrongType = { ...results.toJSON(), test_info: { ...results.toJSON().test_info, test_type: 'client' } };
  await expect(attachJson(info, GENIE_RESULTS, wrongType as never)).rejects.toThrow(/^attachment "genie-results" does not match its contract: test_info\.test_type: /);
});
