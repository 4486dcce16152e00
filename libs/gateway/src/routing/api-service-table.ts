import { ConflictError, type ApiGroupRegistry, type GroupOwner } from '@mortise/api';
import type { ProxyRoute } from './proxy-route.js';

interface Claim {
  group: string;
  version: string;
  owner: GroupOwner;
}

/**
 * Which APIService serves each `/kapis/{group}/{version}`. Group ownership
 * goes through the kernel's one ApiGroupRegistry, so an APIService can never
 * take a kernel group or one an in-process extension serves, and a second
 * APIService for the same group/version is refused.
 */
export class ApiServiceTable {
  private readonly routes = new Map<string, ProxyRoute>();
  private readonly claims = new Map<string, Claim>();

  constructor(private readonly groups: ApiGroupRegistry) {}

  /** Adds or replaces the APIService `name`; throws ConflictError and changes nothing when the group/version is taken. */
  set(name: string, group: string, version: string, route: ProxyRoute): void {
    const key = `${group}/${version}`;
    const holder = this.routes.get(key);
    if (holder && holder.name !== name) {
      throw new ConflictError(
        `API group version "${key}" is already served by APIService "${holder.name}"; choose another group or version`,
        { group },
      );
    }
    const owner: GroupOwner = { type: 'extension', name: route.extension ?? `apiservice:${name}` };
    this.groups.claim(group, owner);
    const previous = this.claims.get(name);
    if (previous && `${previous.group}/${previous.version}` !== key) this.delete(name);
    this.claims.set(name, { group, version, owner });
    this.routes.set(key, route);
  }

  delete(name: string): boolean {
    const claim = this.claims.get(name);
    if (!claim) return false;
    this.claims.delete(name);
    this.routes.delete(`${claim.group}/${claim.version}`);
    const stillUsed = [...this.claims.values()].some((c) => c.group === claim.group);
    if (!stillUsed) this.groups.release(claim.group, claim.owner);
    return true;
  }

  /** Groups served by at least one APIService. */
  servedGroups(): string[] {
    return [...new Set([...this.claims.values()].map((c) => c.group))];
  }

  /** Whether any APIService serves a version of `group`. */
  hasGroup(group: string): boolean {
    for (const claim of this.claims.values()) if (claim.group === group) return true;
    return false;
  }

  lookup(group: string, version: string): ProxyRoute | undefined {
    return this.routes.get(`${group}/${version}`);
  }

  get size(): number {
    return this.routes.size;
  }
}
