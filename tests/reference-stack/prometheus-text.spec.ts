// The one Prometheus text writer of the frontend and the worker (protocol/prometheus.ts)
// against the examples of the format's documentation,
// prometheus/docs content/docs/instrumenting/exposition_formats.md@a3a0fda64783ec0dbef66edf5079a49c396b8647.

import { test, expect } from 'servewright';
import { Metrics } from '../../protocol/prometheus-parse.ts';
import { Counter, Gauge, Histogram, renderMetrics } from '../../protocol/prometheus.ts';

const tags = { tag: ['@e2e', '@reference-stack'] };

test('label values escape backslash, double quote and line feed as in the documented example', tags, () => {
  const path = 'C:\\DIR\\FILE.TXT';
  const error = 'Cannot find file:\n"FILE.TXT"';
  const text = renderMetrics([new Gauge('msdos_file_access_time_seconds', 'File access time.', () => [[{ path, error }, 1.458255915e9]])]);
  // The documentation's sample line, value aside (JS prints 1458255915 for 1.458255915e9).
  expect(text).toContain('msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1458255915\n');
  expect(new Metrics(text).value('msdos_file_access_time_seconds', { path, error })).toBe(1.458255915e9);
});

test('HELP and TYPE precede the samples, HELP escapes backslash and line feed, the text ends with a line feed', tags, () => {
  const requests = new Counter('http_requests_total', 'The total number of HTTP requests.\nPer \\ method.');
  requests.inc({ method: 'post', code: '200' }, 1027);
  requests.inc({ method: 'post', code: '400' }, 3);
  expect(renderMetrics([requests])).toBe(
    '# HELP http_requests_total The total number of HTTP requests.\\nPer \\\\ method.\n' +
      '# TYPE http_requests_total counter\n' +
      'http_requests_total{method="post",code="200"} 1027\n' +
      'http_requests_total{method="post",code="400"} 3\n',
  );
});

test('a histogram has cumulative le buckets ending at +Inf = count, then _sum and _count; shared labels go first', tags, () => {
  const h = new Histogram('http_request_duration_seconds', 'A histogram of the request duration.', [0.05, 0.1, 0.2, 0.5, 1]);
  h.observe(0.01);
  h.observe(0.07, 3);
  h.observe(0.3);
  h.observe(4);
  const lines = renderMetrics([h], { model_name: 'm' }).trimEnd().split('\n');
  expect(lines).toEqual([
    '# HELP http_request_duration_seconds A histogram of the request duration.',
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{model_name="m",le="0.05"} 1',
    'http_request_duration_seconds_bucket{model_name="m",le="0.1"} 4',
    'http_request_duration_seconds_bucket{model_name="m",le="0.2"} 4',
    'http_request_duration_seconds_bucket{model_name="m",le="0.5"} 5',
    'http_request_duration_seconds_bucket{model_name="m",le="1"} 5',
    'http_request_duration_seconds_bucket{model_name="m",le="+Inf"} 6',
    `http_request_duration_seconds_sum{model_name="m"} ${0.01 + 0.07 * 3 + 0.3 + 4}`,
    'http_request_duration_seconds_count{model_name="m"} 6',
  ]);
  expect(new Metrics(lines.join('\n')).histogram('http_request_duration_seconds')).toMatchObject({ count: 6 });
});
