import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config.js';
import { DEFAULT_CONFIG, leaderElectionTimings } from './kernel-config.schema.js';

describe(loadConfig.name, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mortise-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the defaults when nothing is set', () => {
    assert.deepEqual(loadConfig({}), DEFAULT_CONFIG);
  });

  it('reads the YAML file and lets the environment override it', () => {
    const file = join(dir, 'mortise.yaml');
    writeFileSync(file, 'port: 9000\nstore: memory\nlogLevel: warn\n');
    const config = loadConfig({ MORTISE_CONFIG: file, MORTISE_PORT: '9100', MORTISE_BODY_LIMIT: '2048' });
    assert.equal(config.port, 9100);
    assert.equal(config.store, 'memory');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.bodyLimit, 2048);
  });

  it('selects the kubernetes store and its namespace', () => {
    const config = loadConfig({ MORTISE_STORE: 'kubernetes', MORTISE_STORE_NAMESPACE: 'mortise-system' });
    assert.equal(config.store, 'kubernetes');
    assert.equal(config.storeNamespace, 'mortise-system');
  });

  it('reads identity settings from YAML, and booleans and JSON from the environment', () => {
    const file = join(dir, 'identity.yaml');
    writeFileSync(
      file,
      'identity:\n  accessTokenTtlSeconds: 600\n  clients:\n    - id: robot\n      grantTypes: [client_credentials]\n      actAs: bot\n',
    );
    const config = loadConfig({ MORTISE_CONFIG: file, MORTISE_METRICS_PUBLIC: 'false' });
    assert.equal(config.identity.accessTokenTtlSeconds, 600);
    assert.equal(config.identity.clients?.[0]?.actAs, 'bot');
    assert.equal(config.metricsPublic, false);
    const fromEnv = loadConfig({ MORTISE_IDENTITY: '{"passwordMinLength":12}' });
    assert.equal(fromEnv.identity.passwordMinLength, 12);
    assert.throws(() => loadConfig({ MORTISE_IDENTITY: '{"passwordMinLength":3}' }), ConfigError);
  });

  it('reads leader-election timings, the rest keeping their defaults', () => {
    const config = loadConfig({ MORTISE_LEADER_ELECTION: '{"leaseDurationSeconds":4,"renewDeadlineSeconds":3}' });
    assert.deepEqual(leaderElectionTimings(config), {
      leaseName: 'mortise-controllers',
      leaseDurationSeconds: 4,
      renewDeadlineSeconds: 3,
      retryPeriodSeconds: 2,
    });
  });

  const bad: Array<[NodeJS.ProcessEnv, string]> = [
    [{ MORTISE_PORT: 'abc' }, 'invalid configuration: MORTISE_PORT must be an integer 0-65535, got "abc"'],
    [{ MORTISE_PORT: '70000' }, 'invalid configuration: MORTISE_PORT must be an integer 0-65535, got "70000"'],
    [
      { MORTISE_STORE: 'postgres' },
      'invalid configuration: MORTISE_STORE must be one of sqlite, memory, kubernetes, got "postgres"',
    ],
    [
      { MORTISE_STORE_NAMESPACE: 'Mortise_System' },
      'invalid configuration: MORTISE_STORE_NAMESPACE must be a Kubernetes namespace name (DNS-1123 label) or empty, got "Mortise_System"',
    ],
    [
      { MORTISE_LEADER_ELECTION: '{"leaseDurationSeconds":10}' },
      'invalid configuration: MORTISE_LEADER_ELECTION must have leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds, got 10, 10, 2',
    ],
    [
      { MORTISE_LEADER_ELECTION: '{"leaseSeconds":10}' },
      'invalid configuration: MORTISE_LEADER_ELECTION must be a mapping of leaseName, leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds, got "{\\"leaseSeconds\\":10}"',
    ],
    [
      { MORTISE_LOG_LEVEL: 'loud' },
      'invalid configuration: MORTISE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} with one line naming the setting`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && err.message === message,
      );
    });
  }

  it('names the YAML key and file when the file is wrong', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'port: high\n');
    assert.throws(() => loadConfig({ MORTISE_CONFIG: file }), {
      message: `invalid configuration: port (in ${file}) must be an integer 0-65535, got "high"`,
    });
    writeFileSync(file, 'prot: 1\n');
    assert.throws(() => loadConfig({ MORTISE_CONFIG: file }), /unknown setting "prot"/);
  });
});
