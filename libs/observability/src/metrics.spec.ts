import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KernelMetrics } from './metrics.js';

describe(KernelMetrics.name, () => {
  it('counts requests by route template and records store latency', async () => {
    const metrics = new KernelMetrics({ defaultMetrics: false });
    metrics.observeRequest('/kapis/:group/:version/*', 'GET', 200, 0.004);
    metrics.observeRequest('/kapis/:group/:version/*', 'GET', 200, 0.002);
    metrics.observeStore('get', 'Workspace', 0.0005);
    const text = await metrics.render();
    assert.match(
      text,
      /mortise_http_requests_total\{route="\/kapis\/:group\/:version\/\*",method="GET",code="200"\} 2/,
    );
    assert.match(text, /mortise_store_operation_duration_seconds_count\{op="get",kind="Workspace"\} 1/);
  });

  it('exposes request latency as a cumulative histogram per route, method and code', async () => {
    const metrics = new KernelMetrics({ defaultMetrics: false });
    metrics.observeRequest('/proxy/*', 'GET', 200, 0.004);
    metrics.observeRequest('/proxy/*', 'GET', 200, 0.02);
    metrics.observeRequest('/proxy/*', 'GET', 502, 20);
    const text = await metrics.render();
    assert.match(
      text,
      /mortise_http_request_duration_seconds_bucket\{route="\/proxy\/\*",method="GET",code="200",le="0.0025"\} 0/,
    );
    assert.match(
      text,
      /mortise_http_request_duration_seconds_bucket\{route="\/proxy\/\*",method="GET",code="200",le="0.005"\} 1/,
    );
    assert.match(
      text,
      /mortise_http_request_duration_seconds_bucket\{route="\/proxy\/\*",method="GET",code="200",le="\+Inf"\} 2/,
    );
    assert.match(
      text,
      /mortise_http_request_duration_seconds_sum\{route="\/proxy\/\*",method="GET",code="200"\} 0.024/,
    );
    assert.match(text, /mortise_http_request_duration_seconds_count\{route="\/proxy\/\*",method="GET",code="502"\} 1/);
    assert.match(text, /mortise_http_requests_total\{route="\/proxy\/\*",method="GET",code="502"\} 1/);
    assert.match(text, /# TYPE mortise_http_request_duration_seconds histogram/);
  });

  it('keeps one series per route, method and code', async () => {
    const metrics = new KernelMetrics({ defaultMetrics: false });
    for (const [route, method] of [
      ['/proxy/*', 'GET'],
      ['/proxy/*', 'POST'],
      ['/kapis/:group/:version/*', 'GET'],
      ['/proxy/*', 'GET'],
    ] as const) {
      metrics.observeRequest(route, method, 200, 0.001);
    }
    const text = await metrics.render();
    const counts = text.split('\n').filter((l) => l.startsWith('mortise_http_requests_total{'));
    assert.deepEqual(counts, [
      'mortise_http_requests_total{route="/proxy/*",method="GET",code="200"} 2',
      'mortise_http_requests_total{route="/proxy/*",method="POST",code="200"} 1',
      'mortise_http_requests_total{route="/kapis/:group/:version/*",method="GET",code="200"} 1',
    ]);
  });
});
