import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '@mortise/store';
import { LoginRecordService } from './login-record.service.js';
import { ManualClock } from './testing/identity-fixture.js';

describe(LoginRecordService.name, () => {
  it('keeps at most the newest N records per user and none older than the age limit', async () => {
    const clock = new ManualClock();
    const records = new LoginRecordService(new MemoryStore(), { maxPerUser: 3, maxAgeSeconds: 3600 }, clock);
    const attempt = {
      username: 'alice',
      success: false,
      type: 'password',
      reason: 'InvalidCredentials',
      sourceIP: '192.0.2.9',
    };
    for (let i = 0; i < 5; i++) {
      await records.record({ ...attempt, userAgent: `try-${i}` });
      clock.advance(1);
    }
    await records.record({ ...attempt, username: 'bob' });
    assert.deepEqual(
      (await records.list('alice')).map((r) => r.spec.userAgent),
      ['try-4', 'try-3', 'try-2'],
    );
    clock.advance(3601);
    await records.record({ ...attempt, userAgent: 'later' });
    assert.deepEqual(
      (await records.list('alice')).map((r) => r.spec.userAgent),
      ['later'],
    );
    assert.equal((await records.list('bob')).length, 1);
  });
});
