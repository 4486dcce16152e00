import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEvent } from './audit-event.js';

export interface AuditQuery {
  /** Inclusive lower bound (RFC 3339 or Date). */
  since?: string | Date;
  /** Exclusive upper bound. */
  until?: string | Date;
  user?: string;
  /** At most this many events, newest first; default 500. */
  limit?: number;
}

export interface AuditLogOptions {
  /** Directory the `audit.log` files live in (the kernel's data dir). */
  dir: string;
  /** Rotate once the current file passes this size; default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept besides the current one; default 5. */
  maxFiles?: number;
  /** Also sends each event here, e.g. the structured logger. */
  log?: (event: AuditEvent) => void;
  /**
   * The replica writing this log. Each replica keeps its own file; the
   * name is stamped on every event and on query answers, so a reader knows
   * whose log it read.
   */
  replica?: string;
}

const FILE = 'audit.log';

function toMillis(value: string | Date | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? fallback : ms;
}

/**
 * The audit sink: JSON lines in `<dir>/audit.log`, rotated by size to
 * `audit.log.1` … `audit.log.<maxFiles>`. Writes are synchronous appends, so
 * an event is on disk (and queryable) when the response is sent.
 */
export class AuditLog {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly log: ((event: AuditEvent) => void) | undefined;
  private size: number;
  readonly replica: string | undefined;

  constructor(options: AuditLogOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    this.log = options.log;
    this.replica = options.replica;
    mkdirSync(this.dir, { recursive: true });
    this.size = existsSync(this.path(0)) ? statSync(this.path(0)).size : 0;
  }

  record(event: AuditEvent): void {
    if (this.replica !== undefined) event.replica ??= this.replica;
    const line = `${JSON.stringify(event)}\n`;
    if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
    appendFileSync(this.path(0), line);
    this.size += Buffer.byteLength(line);
    this.log?.(event);
  }

  /** Events matching the filters, newest first. */
  async query(query: AuditQuery = {}): Promise<AuditEvent[]> {
    const since = toMillis(query.since, -Infinity);
    const until = toMillis(query.until, Infinity);
    const limit = query.limit ?? 500;
    const matches: AuditEvent[] = [];
    // Oldest file first, so the tail of `matches` is the newest.
    for (let i = this.maxFiles; i >= 0; i--) {
      const file = this.path(i);
      if (!existsSync(file)) continue;
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === '') continue;
        let event: AuditEvent;
        try {
          event = JSON.parse(line) as AuditEvent;
        } catch {
          continue; // a line cut short by a crash
        }
        const at = Date.parse(event.time);
        if (at < since || at >= until) continue;
        if (query.user !== undefined && event.user !== query.user) continue;
        matches.push(event);
        if (matches.length > limit * 2) matches.splice(0, matches.length - limit);
      }
    }
    return matches.slice(-limit).reverse();
  }

  private path(generation: number): string {
    return join(this.dir, generation === 0 ? FILE : `${FILE}.${generation}`);
  }

  private rotate(): void {
    rmSync(this.path(this.maxFiles), { force: true });
    for (let i = this.maxFiles - 1; i >= 0; i--) {
      if (existsSync(this.path(i))) renameSync(this.path(i), this.path(i + 1));
    }
    this.size = 0;
  }
}
