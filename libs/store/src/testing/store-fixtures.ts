import type { Resource } from '@mortise/api';
import type { KindRef, ObjectRef, WatchEvent } from '../resource-store.js';

export const WIDGET: KindRef = { group: 'test.mortise.io', kind: 'Widget' };
export const GADGET: KindRef = { group: 'test.mortise.io', kind: 'Gadget' };
/** An RBAC-shaped kind: no spec, top-level `rules`. */
export const ROLE: KindRef = { group: 'test.mortise.io', kind: 'TestRole' };

export function widget(
  name: string,
  extra: Partial<Resource> & { namespace?: string; labels?: Record<string, string> } = {},
): Resource {
  const { namespace, labels, metadata, ...rest } = extra;
  return {
    apiVersion: 'test.mortise.io/v1',
    kind: 'Widget',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...metadata },
    spec: { size: 1 },
    ...rest,
  };
}

export function refTo(object: Resource): ObjectRef {
  const ref: ObjectRef = { group: object.apiVersion.split('/')[0], kind: object.kind, name: object.metadata.name };
  const scope = object.metadata.namespace ?? object.metadata.workspace;
  if (scope) ref.scope = scope;
  return ref;
}

/** Reads `count` events, failing after `timeoutMs` so a missing event fails the test instead of hanging it. */
export async function take(
  iterator: AsyncIterator<WatchEvent>,
  count: number,
  timeoutMs = 2000,
): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  while (events.length < count) {
    const next = await withTimeout(iterator.next(), timeoutMs, `expected ${count} events, got ${events.length}`);
    if (next.done) throw new Error(`watch ended after ${events.length} of ${count} events`);
    events.push(next.value);
  }
  return events;
}

/** Asserts nothing arrives for a while; returns what did (should be empty). */
export async function quiet(iterator: AsyncIterator<WatchEvent>, ms = 100): Promise<WatchEvent | undefined> {
  const result = await Promise.race([
    iterator.next(),
    new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), ms)),
  ]);
  return result === 'quiet' || result.done ? undefined : result.value;
}

export function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata.name}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
