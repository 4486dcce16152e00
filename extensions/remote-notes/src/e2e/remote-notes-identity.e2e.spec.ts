import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startTestKernel, type TestKernel } from '@mortise/kernel';
import { NOTES_GROUP, gatewayObjects } from '../gateway-objects.js';

const PLURALS: Record<string, string> = {
  APIService: 'apiservices',
  ReverseProxy: 'reverseproxies',
  JSBundle: 'jsbundles',
  ExtensionEntry: 'extensionentries',
};

/**
 * The whole identity contract with nothing stubbed: the kernel's own
 * identity signs the token, the service fetches the kernel's JWKS from
 * `/oauth/keys` and verifies it.
 */
describe('remote-notes verifying the kernel’s own identity tokens', () => {
  let kernel: TestKernel;
  let service: ChildProcess;

  before(async () => {
    kernel = await startTestKernel();
    const issuer = (await kernel.call('GET', '/.well-known/openid-configuration')).body.issuer as string;
    service = spawn(process.execPath, [fileURLToPath(new URL('../main.js', import.meta.url))], {
      env: { ...process.env, MORTISE_ISSUER: issuer, MORTISE_JWKS_URL: `${kernel.url}/oauth/keys`, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(service.stdout!, 'data')) as [Buffer];
    const serviceUrl = /listening on (\S+)/.exec(line.toString())![1];
    for (const object of gatewayObjects(serviceUrl)) {
      const res = await kernel.call('POST', `/kapis/extensions.mortise.io/v1/${PLURALS[object.kind]}`, {
        body: object,
      });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => {
    await kernel.close();
    service.kill('SIGTERM');
    await once(service, 'exit');
  });

  it('accepts the token the gateway signed with the kernel’s key', async () => {
    const path = `/kapis/${NOTES_GROUP}/v1/workspaces/ws1/notes`;
    let res = await kernel.call('POST', path, { body: { text: 'signed by the kernel' } });
    for (let i = 0; i < 100 && res.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 20));
      res = await kernel.call('POST', path, { body: { text: 'signed by the kernel' } });
    }
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.author, 'admin');
  });
});
