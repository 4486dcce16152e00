/**
 * Credentials already verified, keyed by the credential string, until their
 * expiry. Bounded: past `maxEntries` the oldest entry goes (Map keeps
 * insertion order). Revocation is not stored here; callers check it on
 * every hit against the IdentityView.
 */
export class VerifiedTokenCache<V extends { expiresAt: number }> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, now: number): V | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: V): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, entry);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
