import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearerCredential } from './bearer-token.authenticator.js';

describe(bearerCredential.name, () => {
  const of = (authorization: string | string[] | undefined) =>
    bearerCredential({ method: 'GET', url: '/', ip: '127.0.0.1', headers: { authorization } });

  it('reads the credential of the Bearer scheme, in any case, trimmed', () => {
    assert.equal(of('Bearer abc.def'), 'abc.def');
    assert.equal(of('bearer abc.def'), 'abc.def');
    assert.equal(of('BEARER  abc.def '), 'abc.def');
  });

  it('ignores other schemes, a missing space, short and repeated headers', () => {
    for (const header of [
      'Basic YWxhZGRpbjpvcGVu',
      'Bearerabc.def',
      'Bearer ',
      'Bearer',
      undefined,
      ['Bearer a', 'b'],
    ]) {
      assert.equal(of(header), undefined, String(header));
    }
  });
});
