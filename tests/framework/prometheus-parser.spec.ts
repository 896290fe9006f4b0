import { test, expect, Metrics, parsePrometheus } from '../../fixtures/index.ts';

const TEXT = `# HELP vllm:num_requests_running Running requests.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="m",engine="0"} 3
vllm:num_requests_running{engine="1",model_name="m"} 4
servewright_frontend_migration_total{migration_type="ongoing_request"} 2
servewright_frontend_migration_total{migration_type="new_request"} 1
escaped{path="a\\"b\\\\c"} 1.5e3
lat_bucket{le="+Inf"} 7
lat_sum 3.5
lat_count 7
`;

test.describe('Prometheus text parser', { tag: ['@e2e', '@framework'] }, () => {
  test('label order does not matter and subsets select', () => {
    const m = new Metrics(TEXT);
    expect(m.value('vllm:num_requests_running', { engine: '1', model_name: 'm' })).toBe(4);
    expect(m.value('vllm:num_requests_running', { model_name: 'm', engine: '0' })).toBe(3);
    expect(m.sum('vllm:num_requests_running', { model_name: 'm' })).toBe(7);
    expect(m.sum('servewright_frontend_migration_total')).toBe(3);
    expect(m.sum('absent_metric')).toBe(0);
  });

  test('escapes, infinities and histograms parse', () => {
    const samples = parsePrometheus(TEXT);
    expect(samples.find((s) => s.name === 'escaped')?.labels.path).toBe('a"b\\c');
    expect(samples.find((s) => s.name === 'escaped')?.value).toBe(1500);
    expect(samples.find((s) => s.name === 'lat_bucket')?.labels.le).toBe('+Inf');
    expect(new Metrics(TEXT).histogram('lat')).toEqual({ count: 7, sum: 3.5, mean: 0.5 });
  });

  test('value() names the metric when it is missing or ambiguous', () => {
    const m = new Metrics(TEXT);
    expect(() => m.value('vllm:num_requests_waiting')).toThrow(/vllm:num_requests_waiting.*0 series.*vllm:num_requests_running/);
    expect(() => m.value('vllm:num_requests_running')).toThrow(/2 series match/);
  });

  test('a malformed line is reported with its line number', () => {
    expect(() => parsePrometheus('ok 1\nbroken{a="1" 2\n')).toThrow(/line 2/);
  });
});
