import type { AdmissionPlugin, AdmissionRequest, KindDefinition, Resource } from '@mortise/api';

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

  async written(request: AdmissionRequest, stored: Resource): Promise<void> {
    for (const plugin of this.for(request.kind)) await plugin.written?.(request, stored);
  }

  private for(kind: KindDefinition): AdmissionPlugin[] {
    return this.plugins.filter((p) => !p.handles || p.handles(kind));
  }
}
