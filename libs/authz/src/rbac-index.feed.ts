import { type Resource, IAM_GROUP, TENANT_GROUP } from '@mortise/api';
import type { KindRef, ResourceStore } from '@mortise/store';
import { isAuthorizationRelevant, type RbacIndex } from './rbac-index.js';
import {
  API_KEY_KIND,
  BINDING_PLURALS,
  PROJECT_KIND,
  ROLE_PLURALS,
  ROLE_TEMPLATE_KIND,
  USER_KIND,
} from './rbac-kinds.js';

/** Every kind the index follows. */
export const AUTHORIZATION_KINDS: readonly KindRef[] = [
  ...Object.keys(ROLE_PLURALS).map((kind) => ({ group: IAM_GROUP, kind })),
  ...Object.keys(BINDING_PLURALS).map((kind) => ({ group: IAM_GROUP, kind })),
  { group: IAM_GROUP, kind: ROLE_TEMPLATE_KIND },
  { group: IAM_GROUP, kind: USER_KIND },
  { group: IAM_GROUP, kind: API_KEY_KIND },
  { group: TENANT_GROUP, kind: PROJECT_KIND },
];

const RETRY_MS = 1000;

/**
 * Keeps an RbacIndex in step with the store: lists every kind once, then
 * follows one watch from the oldest listed version (replays are ignored by
 * the index), relisting if the watch breaks. On the kubernetes backend this
 * is how a change made through one replica reaches the others.
 */
export class RbacIndexFeed {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: ResourceStore,
    private readonly index: RbacIndex,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Resolves once the index holds the current state; changes keep flowing until `stop()`. */
  async start(): Promise<void> {
    const version = await this.list();
    this.running = this.follow(version);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async list(): Promise<string> {
    let oldest: string | undefined;
    const objects: Resource[] = [];
    for (const kind of AUTHORIZATION_KINDS) {
      const list = await this.store.list(kind);
      objects.push(...list.items);
      const version = list.metadata.resourceVersion;
      if (oldest === undefined || Number(version) < Number(oldest)) oldest = version;
    }
    // Objects deleted while the watch was broken disappear here.
    this.index.resync(objects);
    return oldest ?? '0';
  }

  private async follow(from: string): Promise<void> {
    let version = from;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        for await (const event of this.store.watch({ resourceVersion: version, signal })) {
          const rv = event.object.metadata.resourceVersion;
          if (rv) version = rv;
          if (event.type !== 'BOOKMARK' && isAuthorizationRelevant(event.object))
            this.index.apply(event.type, event.object);
        }
      } catch (err) {
        if (signal.aborted) return;
        this.onError(err);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        try {
          version = await this.list();
        } catch (listErr) {
          this.onError(listErr);
        }
      }
    }
  }
}
