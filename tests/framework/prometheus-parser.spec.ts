import { test, expect, Metrics, parsePrometheus } from 'servewright';

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
    // A series not created yet for these labels is a zero; a metric not exposed at all is not.
    expect(m.sum('servewright_frontend_migration_total', { migration_type: 'never' })).toBe(0);
  });

  test('escapes, infinities and histograms parse', () => {
    const samples = parsePrometheus(TEXT);
    expect(samples.find((s) => s.name === 'escaped')?.labels.path).toBe('a"b\\c');
    expect(samples.find((s) => s.name === 'escaped')?.value).toBe(1500);
    expect(samples.find((s) => s.name === 'lat_bucket')?.labels.le).toBe('+Inf');
    expect(new Metrics(TEXT).histogram('lat')).toEqual({ count: 7, sum: 3.5, mean: 0.5 });
  });

  test('sum() and value() of a metric not exposed at all throw, naming the nearest exposed names', () => {
    const m = new Metrics(TEXT);
    expect(() => m.sum('vllm:num_requests_waiting')).toThrow(/vllm:num_requests_waiting\{\} is not exposed at all \(nearest: vllm:num_requests_running,/);
    expect(() => m.value('servewright_frontend_migrations_total', { migration_type: 'ongoing_request' })).toThrow(
      /not exposed at all \(nearest: servewright_frontend_migration_total,/,
    );
    expect(() => m.histogram('latency')).toThrow(/latency_count\{\} is not exposed at all/);
    expect(() => m.value('vllm:num_requests_running')).toThrow(/2 series match/);
    expect(() => m.value('servewright_frontend_migration_total', { migration_type: 'never' })).toThrow(/0 series match \(series of servewright_frontend_migration_total: \{"migration_type":"ongoing_request"\}/);
  });

  test('a malformed line is reported with its line number', () => {
    expect(() => parsePrometheus('ok 1\nbroken{a="1" 2\n')).toThrow(/line 2/);
  });
});
