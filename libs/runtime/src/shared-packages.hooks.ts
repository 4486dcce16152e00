/**
 * Module resolve hooks, run by Node's loader (see `shared-packages.ts`):
 * in the importing thread where Node has `module.registerHooks()`, else on
 * the loader thread of `module.register()`.
 *
 * 1. Shared packages imported by code outside any `node_modules` (extension
 *    code, unpacked anywhere) resolve from the kernel, so an extension uses
 *    the kernel's Nest, rxjs and SDK: one DI container type, one set of
 *    tokens, nothing bundled twice. The kernel's own module instances (which
 *    may live inside the kernel bundle, not on disk) are handed out as `data:`
 *    modules re-exporting them from a global the kernel fills; other paths
 *    under a shared package resolve from the kernel's `node_modules`.
 * 2. A module imported with `?mortise-load=N` passes that mark to its
 *    relative imports, so reloading a directory evaluates a fresh module
 *    graph instead of returning the cached one.
 * 3. A specifier that does not resolve resolves to a module that throws the
 *    resolution's error when evaluated. Node 20 leaks a MessagePort (~13 KiB
 *    of native memory) each time a hook's resolve fails, and Nest tries three
 *    optional packages (`@nestjs/microservices`, `@nestjs/websockets`) at
 *    every application boot — every extension install and upgrade. As a
 *    module, the failure is cached like any other import: the caller still
 *    gets the error, with its code and message, and nothing leaks.
 */

export const LOAD_PARAM = 'mortise-load';
/** `Symbol.for()` key of the global holding the kernel's shared module namespaces, by specifier. */
export const KERNEL_MODULES_KEY = 'mortise.kernel-modules';

export interface HookData {
  anchorURL: string;
  packages: string[];
  /** Specifier → export names of the kernel's instance (hooks run on another thread: names, not objects). */
  kernelModules: Record<string, string[]>;
}

type ResolveContext = { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> };
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextResolveSync = (specifier: string, context?: ResolveContext) => ResolveResult;

let anchorURL = '';
let packages: string[] = [];
const kernelModuleURLs = new Map<string, string>();

export function initialize(data: HookData): void {
  anchorURL = data.anchorURL;
  packages = data.packages;
  for (const [specifier, names] of Object.entries(data.kernelModules)) {
    kernelModuleURLs.set(specifier, reexportURL(specifier, names));
  }
}

/** A module re-exporting, under the same names, the kernel's instance of `specifier`. */
function reexportURL(specifier: string, names: string[]): string {
  const source = [
    `const m = globalThis[Symbol.for(${JSON.stringify(KERNEL_MODULES_KEY)})][${JSON.stringify(specifier)}];`,
    ...names.map((name, i) => `const e${i} = m[${JSON.stringify(name)}];`),
    `export { ${names.map((name, i) => `e${i} as ${JSON.stringify(name)}`).join(', ')} };`,
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

function isShared(specifier: string): boolean {
  return packages.some((p) =>
    p.endsWith('/') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`),
  );
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * A module that throws `err` (its class when a standard one, code and
 * message) when evaluated. The module keeps its error for good, so the stack
 * is formatted at once: unformatted, its async frames would keep the first
 * importer (a Nest application) alive.
 */
function throwingModuleURL(err: unknown): string {
  const { name, code, message } = err as { name?: unknown; code?: unknown; message?: unknown };
  const type = name === 'TypeError' || name === 'RangeError' ? name : 'Error';
  const source = [
    `const error = new ${type}(${JSON.stringify(String(message ?? err))});`,
    ...(typeof code === 'string' ? [`error.code = ${JSON.stringify(code)};`] : []),
    'void error.stack;',
    'throw error;',
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

/** What to do with one specifier: answer it, or ask the next resolver (with this context) and mark its answer with `load`. */
type Route = { answer: ResolveResult } | { context: ResolveContext; load: string | null };

function route(specifier: string, context: ResolveContext): Route {
  const parent = context.parentURL;
  // require() goes through registerHooks() too; like register(), leave it alone.
  if (parent === undefined || parent.includes('/node_modules/') || context.conditions?.includes('require')) {
    return { context, load: null };
  }
  const kernelModule = kernelModuleURLs.get(specifier);
  if (kernelModule !== undefined) return { answer: { url: kernelModule, shortCircuit: true } };
  if (isShared(specifier)) return { context: { ...context, parentURL: anchorURL }, load: null };
  const load =
    isRelative(specifier) && parent.startsWith('file:') ? new URL(parent).searchParams.get(LOAD_PARAM) : null;
  return { context, load };
}

function marked(result: ResolveResult, load: string | null): ResolveResult {
  if (load === null || !result.url.startsWith('file:')) return result;
  const url = new URL(result.url);
  url.searchParams.set(LOAD_PARAM, load);
  return { ...result, url: url.href };
}

function failed(err: unknown): ResolveResult {
  return { url: throwingModuleURL(err), format: 'module', shortCircuit: true };
}

/** The resolve hook for `module.register()` (Node 20: runs on the loader thread). */
export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  try {
    const step = route(specifier, context);
    return 'answer' in step ? step.answer : marked(await next(specifier, step.context), step.load);
  } catch (err) {
    return failed(err);
  }
}

/** The same hook for `module.registerHooks()` (Node 22.15+: synchronous, on the importing thread). */
export function resolveSync(specifier: string, context: ResolveContext, next: NextResolveSync): ResolveResult {
  try {
    const step = route(specifier, context);
    return 'answer' in step ? step.answer : marked(next(specifier, step.context), step.load);
  } catch (err) {
    return failed(err);
  }
}
