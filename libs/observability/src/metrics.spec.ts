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
});
