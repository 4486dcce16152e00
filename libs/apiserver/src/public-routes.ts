/**
 * The one list of paths that need no login. Authorization is skipped for
 * them and a bad credential on them does not fail the request. Features
 * add their own (identity adds `/oauth/token`, the gateway `/dist/`).
 */
export class PublicRouteRegistry {
  private readonly exact = new Set<string>();
  /** An array, not a Set: every request scans it, and a Set's iterator is an allocation. */
  private readonly prefixes: string[] = [];

  /** `/healthz` matches only `/healthz`. */
  addExact(...paths: string[]): this {
    for (const path of paths) this.exact.add(path);
    return this;
  }

  /** `/dist/` matches everything under it; give the trailing slash to avoid matching `/distant`. */
  addPrefix(...prefixes: string[]): this {
    for (const prefix of prefixes) if (!this.prefixes.includes(prefix)) this.prefixes.push(prefix);
    return this;
  }

  isPublic(path: string): boolean {
    if (this.exact.has(path)) return true;
    for (let i = 0; i < this.prefixes.length; i++) if (path.startsWith(this.prefixes[i])) return true;
    return false;
  }

  list(): { exact: string[]; prefixes: string[] } {
    return { exact: [...this.exact].sort(), prefixes: [...this.prefixes].sort() };
  }
}

/** The kernel's own operational endpoints. */
export const KERNEL_PUBLIC_PATHS = ['/healthz', '/readyz', '/metrics', '/openapi.json'] as const;
