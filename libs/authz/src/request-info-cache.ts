import type { RequestInfo } from '@mortise/api';
import { resolveRequestInfo } from './request-info.js';

const DEFAULT_MAX_ENTRIES = 1024;
/** Longer URLs are resolved every time: they are rarely repeated, and would make the cache large. */
const MAX_CACHED_URL_LENGTH = 512;

/**
 * RequestInfo by method and URL, resolved once per distinct request line:
 * a console polls the same few URLs over and over. Every request for the
 * same method and URL gets the same object, so later stages may cache by
 * its identity (the authorizer's decisions do). RequestInfo is read-only,
 * which makes sharing it safe. Bounded: past `maxEntries` URLs of a method,
 * the oldest goes first.
 */
export class RequestInfoCache {
  private readonly byMethod = new Map<string, Map<string, RequestInfo>>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  resolve(method: string, url: string): RequestInfo {
    if (url.length > MAX_CACHED_URL_LENGTH) return resolveRequestInfo(method, url);
    let infos = this.byMethod.get(method);
    if (infos === undefined) {
      // Methods are few, but a client can send any token as one: only the standard ones get a map.
      if (!CACHED_METHODS.has(method)) return resolveRequestInfo(method, url);
      infos = new Map();
      this.byMethod.set(method, infos);
    }
    let info = infos.get(url);
    if (info === undefined) {
      info = resolveRequestInfo(method, url);
      if (infos.size >= this.maxEntries) infos.delete(infos.keys().next().value as string);
      infos.set(url, info);
    }
    return info;
  }

  /** How many URLs are cached, over all methods. */
  get size(): number {
    let size = 0;
    for (const infos of this.byMethod.values()) size += infos.size;
    return size;
  }
}

const CACHED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
