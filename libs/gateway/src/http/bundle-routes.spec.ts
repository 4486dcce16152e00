import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSBundle } from '@mortise/api';
import { GatewayFixture } from '../testing/gateway-fixture.js';
import { TestUpstream, rawStatus } from '../testing/test-upstream.js';
import { IMMUTABLE_CACHE, REVALIDATE_CACHE } from '../bundles/asset-content-type.js';
import { registerBundleRoutes } from './bundle-routes.js';

function bundle(name: string, spec: JSBundle['spec']): JSBundle {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'JSBundle',
    metadata: { name, labels: { 'extensions.mortise.io/extension': 'sample' } },
    spec,
  };
}

describe(registerBundleRoutes.name, () => {
  let root: string;
  let fixture: GatewayFixture;
  const files: Record<string, string> = {};
  const upstream = new TestUpstream();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mortise-bundle-'));
    const pkg = join(root, 'sample');
    await mkdir(join(pkg, 'dist', 'assets'), { recursive: true });
    await writeFile(join(pkg, 'dist', 'main.js'), 'export default 1;');
    await writeFile(join(pkg, 'dist', 'assets', 'app.3f9a2c1b.css'), 'body{}');
    await writeFile(join(pkg, 'extension.yaml'), 'secret: not served');
    files['sample'] = pkg;
    await writeFile(join(root, 'outside.txt'), 'outside');
    await symlink(join(root, 'outside.txt'), join(pkg, 'dist', 'assets', 'escape.txt'));
    await upstream.start();
    fixture = new GatewayFixture({}, { extensionFiles: files });
    await fixture.start();
    await fixture.create(bundle('inline', { raw: 'console.log("hi")' }));
    await fixture.create(bundle('packaged', { file: 'dist/main.js', assets: ['dist/assets/'] }));
    await fixture.create(bundle('remote', { url: `${upstream.url}/static` }));
  });
  after(async () => {
    await fixture.stop();
    await upstream.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves an inline bundle publicly with a content type, ETag and revalidation', async () => {
    const res = await fetch(`${fixture.url}/dist/inline/index.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), REVALIDATE_CACHE);
    assert.equal(await res.text(), 'console.log("hi")');
    const again = await fetch(`${fixture.url}/dist/inline/index.js`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    assert.equal(again.status, 304);
  });

  it('writes the link and digest to the status', async () => {
    const stored = (await fixture.store.get({
      group: 'extensions.mortise.io',
      kind: 'JSBundle',
      name: 'inline',
    })) as JSBundle;
    assert.equal(stored.status?.link, '/dist/inline/index.js');
    assert.match(stored.status?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it('serves a packaged entry and listed assets, caching versioned ones for a year', async () => {
    const entry = await fetch(`${fixture.url}/dist/packaged/index.js?v=1.2.0`);
    assert.equal(await entry.text(), 'export default 1;');
    assert.equal(entry.headers.get('cache-control'), IMMUTABLE_CACHE);
    const css = await fetch(`${fixture.url}/dist/packaged/dist/assets/app.3f9a2c1b.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(css.headers.get('cache-control'), IMMUTABLE_CACHE);
    assert.ok(css.headers.get('etag'));
  });

  it('serves nothing outside the entry and assets: unlisted files, traversal, symlinks out', async () => {
    assert.equal((await fetch(`${fixture.url}/dist/packaged/extension.yaml`)).status, 404);
    assert.equal((await fetch(`${fixture.url}/dist/packaged/dist/assets/escape.txt`)).status, 404);
    for (const path of [
      '/dist/packaged/dist/assets/../../extension.yaml',
      '/dist/packaged/dist/assets/%2e%2e/%2e%2e/extension.yaml',
      '/dist/packaged/dist/assets/..%2f..%2fextension.yaml',
      '/dist/../proxy/x',
    ]) {
      assert.equal(await rawStatus(`${fixture.url}${path}`), 400, path);
    }
    assert.equal((await fetch(`${fixture.url}/dist/missing/index.js`)).status, 404);
  });

  it('answers 503 with Retry-After while the package is not on this kernel, and serves it once it is', async () => {
    const pkg = files['sample'];
    delete files['sample'];
    try {
      const waiting = await fetch(`${fixture.url}/dist/packaged/index.js`);
      assert.equal(waiting.status, 503);
      assert.equal(waiting.headers.get('retry-after'), '5');
      const status = (await waiting.json()) as { reason: string; message: string };
      assert.equal(status.reason, 'ServiceUnavailable');
      assert.match(status.message, /extension "sample" is not on this kernel yet/);
    } finally {
      files['sample'] = pkg;
    }
    assert.equal(await (await fetch(`${fixture.url}/dist/packaged/index.js`)).text(), 'export default 1;');
  });

  it('fetches url bundles from their upstream under its base path', async () => {
    upstream.handler = (req, res) =>
      res.writeHead(200, { 'content-type': 'text/javascript', etag: '"u1"' }).end(`// ${req.url}`);
    const res = await fetch(`${fixture.url}/dist/remote/chunk.js`);
    assert.equal(await res.text(), '// /static/chunk.js');
    assert.equal(res.headers.get('etag'), '"u1"');
  });
});
