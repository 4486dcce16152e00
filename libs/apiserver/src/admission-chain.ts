import type { AdmissionPlugin, AdmissionRequest, Caller, KindDefinition, Resource } from '@mortise/api';

/**
 * The admission plugins every write of the generic REST passes, in the
 * order they were added. Features add theirs at start (tenancy,
 * authorization, identity); a plugin refuses by throwing a domain error.
 */
export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[] = [];

  use(...plugins: AdmissionPlugin[]): this {
    this.plugins.push(...plugins);
    return this;
  }

  /** Whether any plugin looks at this kind (when none does, the REST skips the extra reads admission needs). */
  handles(kind: KindDefinition): boolean {
    return this.plugins.some((p) => !p.handles || p.handles(kind));
  }

  async admit(request: AdmissionRequest): Promise<void> {
    for (const plugin of this.for(request.kind)) await plugin.admit?.(request);
  }

  /** Runs every `written`; the last replacement a plugin returns is what the client receives. */
  async written(request: AdmissionRequest, stored: Resource): Promise<Resource> {
    let response = stored;
    for (const plugin of this.for(request.kind)) {
      const replaced = await plugin.written?.(request, stored);
      if (replaced) response = replaced;
    }
    return response;
  }

  /** Every plugin's selector for this kind and caller, ANDed; undefined when none narrows. */
  listSelector(caller: Caller, kind: KindDefinition): string | undefined {
    const parts = this.for(kind)
      .map((p) => p.listSelector?.(caller, kind))
      .filter((s): s is string => Boolean(s));
    return parts.length > 0 ? parts.join(',') : undefined;
  }

  checkAccess(caller: Caller, kind: KindDefinition, object: Resource): void {
    for (const plugin of this.for(kind)) plugin.checkAccess?.(caller, object);
  }

  private for(kind: KindDefinition): AdmissionPlugin[] {
    return this.plugins.filter((p) => !p.handles || p.handles(kind));
  }
}
