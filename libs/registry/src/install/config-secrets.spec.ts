import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '@mortise/store';
import { ConfigSecrets, joinSecrets, splitSecrets, writeOnlyPaths } from './config-secrets.js';

const SCHEMA = {
  type: 'object',
  properties: {
    region: { type: 'string' },
    token: { type: 'string', writeOnly: true },
    database: {
      type: 'object',
      properties: { host: { type: 'string' }, password: { type: 'string', writeOnly: true } },
    },
  },
};

describe(ConfigSecrets.name, () => {
  it('finds write-only fields, nested ones too, and splits and joins a config by them', () => {
    const paths = writeOnlyPaths(SCHEMA);
    assert.deepEqual(paths, ['token', 'database.password']);
    const config = { region: 'eu', token: 't0k', database: { host: 'db', password: 'pw' } };
    const { visible, secrets } = splitSecrets(config, paths);
    assert.deepEqual(visible, { region: 'eu', database: { host: 'db' } });
    assert.deepEqual(secrets, { token: 't0k', 'database.password': 'pw' });
    assert.deepEqual(joinSecrets(visible, secrets), config);
  });

  it('stores values AES-256-GCM encrypted under one key every replica shares', async () => {
    const store = new MemoryStore();
    await new ConfigSecrets(store).write('probe', { token: 'very-secret-value' });
    const stored = await store.get({ group: 'extensions.mortise.io', kind: 'InstallPlanSecret', name: 'probe' });
    assert.doesNotMatch(JSON.stringify(stored), /very-secret-value/);
    assert.match((stored.spec as { values: Record<string, string> }).values['token'], /^enc:v1:/);
    assert.deepEqual(await new ConfigSecrets(store).read('probe'), { token: 'very-secret-value' });
    await new ConfigSecrets(store).remove('probe');
    assert.deepEqual(await new ConfigSecrets(store).read('probe'), {});
    await store.close();
  });

  it('refuses a value whose ciphertext was tampered with', async () => {
    const store = new MemoryStore();
    const secrets = new ConfigSecrets(store);
    await secrets.write('probe', { token: 'abc' });
    const stored = await store.get({ group: 'extensions.mortise.io', kind: 'InstallPlanSecret', name: 'probe' });
    const sealed = (stored.spec as { values: Record<string, string> }).values['token'];
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    await store.update({ ...stored, spec: { values: { token: tampered } } });
    await assert.rejects(secrets.read('probe'));
    await store.close();
  });
});
