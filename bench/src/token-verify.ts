import { IAM_API_VERSION } from '@mortise/iam';
import { startBenchIdentity } from './bench-identity.js';

export interface TokenVerifyResult {
  /** Signature check and claim validation of a token not seen before, µs per token. */
  coldMicros: number;
  /** A token already verified (cache hit plus revocation checks), µs per request. */
  cachedMicros: number;
  /** An API key already verified, µs per request. */
  apiKeyCachedMicros: number;
}

function microsPer(iterations: number, run: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

/** Micro-benchmark of the authentication hot path: cold ES256 verify vs the verified-token cache. */
export async function benchTokenVerify(cold = 2_000, hot = 200_000): Promise<TokenVerifyResult> {
  const { identity, user: info, sid } = await startBenchIdentity();
  try {
    const warmup = 200;
    const tokens = Array.from({ length: cold + warmup }, () => identity.tokens.issue(info, 'console', sid, 3600).token);
    const caller = { user: info, credential: 'token' as const };
    const key = await identity.apiKeys.create(caller, {
      apiVersion: IAM_API_VERSION,
      kind: 'APIKey',
      metadata: { name: '' },
      spec: {},
    });
    const secret = key.status!.secret!;

    microsPer(warmup, (i) => identity.tokens.verify(tokens[cold + i]));
    const coldMicros = microsPer(cold, (i) => identity.tokens.verify(tokens[i]));
    const token = tokens[0];
    microsPer(10_000, () => identity.tokens.verify(token));
    const cachedMicros = microsPer(hot, () => identity.tokens.verify(token));
    await identity.apiKeys.authenticate(secret);
    const start = process.hrtime.bigint();
    for (let i = 0; i < hot; i++) await identity.apiKeys.authenticate(secret);
    const apiKeyCachedMicros = Number(process.hrtime.bigint() - start) / 1000 / hot;
    return { coldMicros, cachedMicros, apiKeyCachedMicros };
  } finally {
    identity.stop();
  }
}
