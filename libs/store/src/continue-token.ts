import { createHash } from 'node:crypto';
import { BadRequestError } from '@mortise/api';

/**
 * Continue tokens carry the key of the last object returned; the next page
 * starts strictly after it. Listing in key order this way means an object that
 * exists for the whole paging appears exactly once, whatever is written
 * meanwhile. The checksum only detects damaged or hand-edited tokens: a forged
 * one can do no more than choose where a page starts.
 */
export function encodeContinueToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: lastKey, c: checksum(lastKey) })).toString('base64url');
}

export function decodeContinueToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      k?: unknown;
      c?: unknown;
    };
    if (parsed.v === 1 && typeof parsed.k === 'string' && parsed.c === checksum(parsed.k)) return parsed.k;
  } catch {
    // fall through to the one error below
  }
  throw new BadRequestError('invalid continue token; restart the list without it');
}

function checksum(key: string): string {
  return createHash('sha256').update(`mortise-continue:${key}`).digest('base64url').slice(0, 16);
}
