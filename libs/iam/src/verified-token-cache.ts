interface CacheSlot<V> {
  credential: string;
  value: V;
}

/**
 * The part of a credential the cache hashes: after a JWT's last dot, its
 * signature (unique per token); the whole credential when it has no dot.
 * A lookup hashes a fresh header string every request: hashing the ~90
 * characters of a signature instead of the ~500 of a token halves its cost.
 */
function keyOf(credential: string): string {
  const dot = credential.lastIndexOf('.');
  return dot < 0 ? credential : credential.slice(dot + 1);
}

/**
 * Credentials already verified, keyed by the credential string, until their
 * expiry. Bounded: past `maxEntries` the oldest entry goes (Map keeps
 * insertion order). Revocation is not stored here; callers check it on
 * every hit against the IdentityView. A hit needs the whole credential to
 * match, not only the hashed part.
 */
export class VerifiedTokenCache<V extends { expiresAt: number }> {
  private readonly entries = new Map<string, CacheSlot<V>>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, now: number): V | undefined {
    const key = keyOf(token);
    const slot = this.entries.get(key);
    if (slot === undefined || slot.credential !== token) return undefined;
    if (slot.value.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return slot.value;
  }

  set(token: string, entry: V): void {
    const key = keyOf(token);
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { credential: token, value: entry });
  }

  delete(token: string): void {
    const key = keyOf(token);
    if (this.entries.get(key)?.credential === token) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
