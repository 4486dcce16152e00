import { ConflictError } from './errors.js';
import type { GroupOwner } from './kind-definition.js';

function describeOwner(owner: GroupOwner): string {
  return owner.type === 'kernel' ? 'the kernel' : `extension "${owner.name}"`;
}

function sameOwner(a: GroupOwner, b: GroupOwner): boolean {
  return a.type === b.type && (a.type === 'kernel' || a.name === (b as { name: string }).name);
}

/**
 * The one registry of API-group ownership. Each group has exactly one owner:
 * the kernel, an in-process extension or a remote APIService. A second claim
 * by another owner is refused, so two backends can never serve one path.
 */
export class ApiGroupRegistry {
  private readonly owners = new Map<string, GroupOwner>();

  claim(group: string, owner: GroupOwner): void {
    const current = this.owners.get(group);
    if (current && !sameOwner(current, owner)) {
      throw new ConflictError(
        `API group "${group}" is already owned by ${describeOwner(current)}; ${describeOwner(owner)} cannot claim it. Choose another group name.`,
        { group },
      );
    }
    this.owners.set(group, owner);
  }

  release(group: string, owner: GroupOwner): void {
    const current = this.owners.get(group);
    if (current && sameOwner(current, owner)) this.owners.delete(group);
  }

  ownerOf(group: string): GroupOwner | undefined {
    return this.owners.get(group);
  }

  groups(): string[] {
    return [...this.owners.keys()].sort();
  }
}
