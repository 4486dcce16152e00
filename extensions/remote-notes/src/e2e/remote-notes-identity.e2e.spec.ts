import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKernel, type TestKernel } from '@mortise/kernel';
import { NOTES_GROUP } from '../gateway-objects.js';
import { createGatewayObjects, startNotesProcess } from '../testing/notes-process.js';

/**
 * The whole identity contract with nothing stubbed: the kernel's own
 * identity signs the token, the service fetches the kernel's JWKS from
 * `/oauth/keys` and verifies it.
 */
describe('remote-notes verifying the kernel’s own identity tokens', () => {
  let kernel: TestKernel;
  let service: Awaited<ReturnType<typeof startNotesProcess>>;

  before(async () => {
    kernel = await startTestKernel();
    const issuer = (await kernel.call('GET', '/.well-known/openid-configuration')).body.issuer as string;
    service = await startNotesProcess({ MORTISE_ISSUER: issuer, MORTISE_JWKS_URL: `${kernel.url}/oauth/keys` });
    await createGatewayObjects(kernel, service.url);
  });
  after(async () => {
    await kernel.close();
    await service.stop();
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
