import { Readable } from 'node:stream';
import type { WatchEvent } from '@mortise/store';
import { statusOf } from './error-status.js';

/**
 * Open watches, so shutdown can end them cleanly instead of waiting for
 * clients that never hang up.
 */
export class OpenWatches {
  private readonly open = new Set<AbortController>();

  track(): AbortController {
    const controller = new AbortController();
    this.open.add(controller);
    controller.signal.addEventListener('abort', () => this.open.delete(controller), { once: true });
    return controller;
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every open watch; each stream finishes its last line and closes. */
  closeAll(): void {
    for (const controller of [...this.open]) controller.abort();
  }
}

export interface WatchStreamOptions {
  allowBookmarks: boolean;
  signal: AbortSignal;
}

/**
 * Store watch events as newline-delimited JSON, one `{type, object}` per
 * line as Kubernetes sends them. A failure after the stream started (an
 * expired resourceVersion, a store error) becomes a final ERROR event with a
 * Status, because the 200 has already gone out.
 */
export function watchStream(events: AsyncIterable<WatchEvent>, options: WatchStreamOptions): Readable {
  async function* lines(): AsyncGenerator<string> {
    try {
      for await (const event of events) {
        if (event.type === 'BOOKMARK' && !options.allowBookmarks) continue;
        yield `${JSON.stringify(event)}\n`;
      }
    } catch (err) {
      if (!options.signal.aborted) yield `${JSON.stringify({ type: 'ERROR', object: statusOf(err) })}\n`;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
