/**
 * Module resolve hooks, run by Node's loader (see `shared-packages.ts`).
 *
 * 1. Shared packages imported by code outside any `node_modules` (extension
 *    code, unpacked anywhere) resolve from the kernel, so an extension uses
 *    the kernel's Nest, rxjs and SDK: one DI container type, one set of
 *    tokens, nothing bundled twice.
 * 2. A module imported with `?mortise-load=N` passes that mark to its
 *    relative imports, so reloading a directory evaluates a fresh module
 *    graph instead of returning the cached one.
 */

export const LOAD_PARAM = 'mortise-load';

interface HookData {
  anchorURL: string;
  packages: string[];
}

type ResolveContext = { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> };
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;

let anchorURL = '';
let packages: string[] = [];

export function initialize(data: HookData): void {
  anchorURL = data.anchorURL;
  packages = data.packages;
}

function isShared(specifier: string): boolean {
  return packages.some((p) =>
    p.endsWith('/') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`),
  );
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  const parent = context.parentURL;
  if (parent === undefined || parent.includes('/node_modules/')) return next(specifier, context);
  if (isShared(specifier)) return next(specifier, { ...context, parentURL: anchorURL });
  const result = await next(specifier, context);
  if (isRelative(specifier) && parent.startsWith('file:')) {
    const load = new URL(parent).searchParams.get(LOAD_PARAM);
    if (load !== null && result.url.startsWith('file:')) {
      const url = new URL(result.url);
      url.searchParams.set(LOAD_PARAM, load);
      return { ...result, url: url.href };
    }
  }
  return result;
}
