import type { ConsoleExtension, RouteParams } from '../sdk/console-extension.js';

const loaded = new Map<string, Promise<ConsoleExtension>>();

/** Where the gateway serves an extension's JSBundle (named after the extension). */
export function bundleUrl(extension: string): string {
  return `/dist/${encodeURIComponent(extension)}/index.js`;
}

/**
 * Imports an extension's bundle once (its shared libraries resolve through
 * the page's import map) and checks that the default export is a console
 * extension. A failure is not cached, so opening the page again retries.
 */
export function loadExtension(extension: string): Promise<ConsoleExtension> {
  let pending = loaded.get(extension);
  if (!pending) {
    pending = import(/* @vite-ignore */ bundleUrl(extension)).then((module: { default?: unknown }) => {
      const declared = module.default as Partial<ConsoleExtension> | undefined;
      if (!declared || !Array.isArray(declared.routes)) {
        throw new Error(`its bundle's default export declares no routes`);
      }
      return declared as ConsoleExtension;
    });
    pending.catch(() => loaded.delete(extension));
    loaded.set(extension, pending);
  }
  return pending;
}

/** Forgets a bundle (the extension was uninstalled or upgraded); the next visit imports it afresh. */
export function forgetExtension(extension: string): void {
  loaded.delete(extension);
}

/** Matches `/projects/:project/announcements` against a path; the parameters, or undefined. */
export function matchRoute(pattern: string, path: string): RouteParams | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i];
    if (segment === '*') {
      params['*'] = have.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const value = have[i];
    if (value === undefined) return undefined;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return have.length === want.length ? params : undefined;
}
