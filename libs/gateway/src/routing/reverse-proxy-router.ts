import { ConflictError } from '@mortise/api';
import { describeMatcher, matchersOverlap, matchesPrefix, type RouteMatcher } from './route-matcher.js';

interface Entry<T> {
  owner: string;
  matcher: RouteMatcher;
  value: T;
}

/**
 * The `/proxy/...` route table. Matchers never overlap (adding one that
 * does is refused, naming the route it collides with), so a request matches
 * at most one route and the order routes were added never matters. Changes
 * apply to the next request: no restart, no re-registration in the framework.
 */
export class ReverseProxyRouter<T> {
  private readonly byOwner = new Map<string, Entry<T>>();
  /** Exact paths → entries (one per method at most, or one `*`). */
  private readonly exact = new Map<string, Entry<T>[]>();
  private prefixes: Entry<T>[] = [];

  /** Adds or replaces the route owned by `owner`; throws ConflictError on overlap and leaves the table as it was. */
  set(owner: string, matcher: RouteMatcher, value: T): void {
    for (const other of this.byOwner.values()) {
      if (other.owner !== owner && matchersOverlap(other.matcher, matcher)) {
        throw new ConflictError(
          `ReverseProxy matcher ${describeMatcher(matcher)} overlaps ${describeMatcher(other.matcher)} of "${other.owner}"; narrow the path or method`,
        );
      }
    }
    this.delete(owner);
    const entry: Entry<T> = { owner, matcher, value };
    this.byOwner.set(owner, entry);
    if (matcher.prefix) {
      // Longest first is not needed for correctness (no overlaps) but keeps lookups short for deep paths.
      this.prefixes = [...this.prefixes, entry].sort((a, b) => b.matcher.path.length - a.matcher.path.length);
    } else {
      this.exact.set(matcher.path, [...(this.exact.get(matcher.path) ?? []), entry]);
    }
  }

  delete(owner: string): boolean {
    const entry = this.byOwner.get(owner);
    if (!entry) return false;
    this.byOwner.delete(owner);
    if (entry.matcher.prefix) this.prefixes = this.prefixes.filter((e) => e !== entry);
    else {
      const rest = (this.exact.get(entry.matcher.path) ?? []).filter((e) => e !== entry);
      if (rest.length > 0) this.exact.set(entry.matcher.path, rest);
      else this.exact.delete(entry.matcher.path);
    }
    return true;
  }

  get(owner: string): T | undefined {
    return this.byOwner.get(owner)?.value;
  }

  /** The route for a request, with the matcher that took it. */
  match(method: string, path: string): { value: T; matcher: RouteMatcher } | undefined {
    const exact = this.exact.get(path);
    if (exact) {
      for (const e of exact) if (e.matcher.method === '*' || e.matcher.method === method) return e;
    }
    for (const e of this.prefixes) {
      if ((e.matcher.method === '*' || e.matcher.method === method) && matchesPrefix(e.matcher.path, path)) return e;
    }
    return undefined;
  }

  get size(): number {
    return this.byOwner.size;
  }
}
