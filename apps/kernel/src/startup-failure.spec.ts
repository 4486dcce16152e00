import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { DataDirLockedError } from '@mortise/store';
import { DEFAULT_CONFIG } from './config/kernel-config.schema.js';
import { startupFailureMessage } from './startup-failure.js';

describe(startupFailureMessage.name, () => {
  it('names the data dir as configured and where it resolves when the sqlite lock is taken', () => {
    const config = { ...DEFAULT_CONFIG, dataDir: './data' };
    assert.equal(
      startupFailureMessage(new DataDirLockedError(resolve('./data')), config),
      `another Mortise kernel is already using data dir ./data (${resolve('./data')}); stop it, or give this one its own MORTISE_DATA_DIR`,
    );
  });

  it('leaves other failures to crash with their full report', () => {
    assert.equal(startupFailureMessage(new Error('boom'), DEFAULT_CONFIG), undefined);
  });
});
