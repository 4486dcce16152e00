import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, type ExtensionCredential, type OAuthClient } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { ExtensionCredentials } from './extension-credentials.js';

const CLIENT = { group: 'iam.mortise.io', kind: 'OAuthClient', name: 'ext-notes' };
const SEALED = { group: 'extensions.mortise.io', kind: 'ExtensionCredential', name: 'notes' };

const hashOf = (secret: string) => `sha256:${createHash('sha256').update(secret).digest('hex')}`;

async function fixture() {
  const store = new MemoryStore();
  const credentials = new ExtensionCredentials(store);
  await credentials.ensure('notes');
  const client = async () => (await store.get(CLIENT)) as OAuthClient;
  return { store, credentials, client };
}

describe(ExtensionCredentials.name, () => {
  it('provisions a client acting as ext:<name> that stores only the hash, and seals the secret', async () => {
    const { store, credentials, client } = await fixture();
    const shown = await credentials.read('notes');
    assert.equal(shown.status.username, 'ext:notes');
    assert.equal(shown.status.clientId, 'ext-notes');
    assert.match(shown.status.clientSecret, /^[A-Za-z0-9_-]{43}$/);
    const stored = await client();
    assert.equal(stored.spec.actAs, 'ext:notes');
    assert.equal(stored.spec.secretHash, hashOf(shown.status.clientSecret));
    assert.equal(stored.metadata.labels?.['extensions.mortise.io/extension'], 'notes');
    const everything = JSON.stringify([stored, await store.get(SEALED)]);
    assert.ok(!everything.includes(shown.status.clientSecret), 'the plaintext is stored nowhere');
    assert.equal(JSON.stringify(shown).includes(stored.spec.secretHash), false, 'the hash is never shown');
    await store.close();
  });

  it('keeps the secret when ensured again (upgrade, re-apply)', async () => {
    const { store, credentials, client } = await fixture();
    const before = await credentials.read('notes');
    const version = (await client()).metadata.resourceVersion;
    await credentials.ensure('notes');
    assert.deepEqual(await credentials.read('notes'), before);
    assert.equal((await client()).metadata.resourceVersion, version, 'nothing is rewritten');
    await store.close();
  });

  it('rotates: a new secret and secret id, the client follows; a stale concurrent rotation conflicts', async () => {
    const { store, credentials, client } = await fixture();
    const before = await credentials.read('notes');
    const oldId = (await client()).spec.secretId;
    const stale = (await store.get(SEALED)) as ExtensionCredential;
    const rotated = await credentials.rotate('notes');
    assert.notEqual(rotated.status.clientSecret, before.status.clientSecret);
    assert.deepEqual(await credentials.read('notes'), rotated);
    assert.equal((await client()).spec.secretHash, hashOf(rotated.status.clientSecret));
    assert.notEqual((await client()).spec.secretId, oldId);
    // A second rotation that read the credential before the first one wrote it.
    const lagging = Object.assign(Object.create(store) as MemoryStore, {
      get: async (ref: { kind: string }) => (ref.kind === SEALED.kind ? stale : store.get(ref as typeof CLIENT)),
    });
    await assert.rejects(new ExtensionCredentials(lagging).rotate('notes'), ConflictError);
    assert.deepEqual(await credentials.read('notes'), rotated);
    await store.close();
  });

  it('repairs the client from the sealed secret after a crash between the two writes', async () => {
    const { store, credentials, client } = await fixture();
    const secret = (await credentials.read('notes')).status.clientSecret;
    await store.delete(CLIENT);
    await credentials.ensure('notes');
    assert.equal((await client()).spec.secretHash, hashOf(secret));
    const stored = await client();
    await store.update({ ...stored, spec: { ...stored.spec, secretId: 'older', secretHash: hashOf('older') } });
    await credentials.ensure('notes');
    assert.equal((await client()).spec.secretHash, hashOf(secret));
    await store.close();
  });

  it('removes both objects; then reading and rotating are NotFound', async () => {
    const { store, credentials } = await fixture();
    await credentials.remove('notes');
    await assert.rejects(store.get(CLIENT), NotFoundError);
    await assert.rejects(store.get(SEALED), NotFoundError);
    await assert.rejects(credentials.read('notes'), /only installed service extensions/);
    await assert.rejects(credentials.rotate('notes'), NotFoundError);
    await credentials.remove('notes');
    await store.close();
  });
});
