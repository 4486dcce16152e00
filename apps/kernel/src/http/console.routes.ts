import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendErrorStatus, type PublicRouteRegistry } from '@mortise/apiserver';

/**
 * Paths of the console's files and of its client-side pages: public, so a
 * browser that is not logged in gets the login page and a deep link
 * survives a reload. Nothing under them is an API path.
 */
export const CONSOLE_PUBLIC_EXACT = ['/', '/index.html', '/favicon.svg'];
export const CONSOLE_PUBLIC_PREFIXES = [
  '/assets/',
  '/console/',
  '/login',
  '/workspaces',
  '/projects',
  '/users',
  '/account',
  '/audit',
  '/marketplace',
  '/ext/',
];

/** The built console of the `@mortise/console` package, when it has been built. */
export function findConsoleFiles(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@mortise/console/package.json');
    const directory = join(dirname(manifest), 'dist', 'web');
    return existsSync(join(directory, 'index.html')) ? directory : undefined;
  } catch {
    return undefined;
  }
}

function isConsolePath(path: string): boolean {
  return CONSOLE_PUBLIC_EXACT.includes(path) || CONSOLE_PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * Serves the console at `/` as the last route: every kernel route (`/kapis`,
 * `/oauth`, `/proxy/*`, `/dist/*`) is more specific and keeps precedence.
 * Files go out as they are (hashed assets cached for good, the rest
 * revalidated); a page path without a file gets `index.html`, so the shell's
 * router takes over; anything else is the kernel's usual 404.
 */
export function registerConsoleRoutes(app: FastifyInstance, root: string, publicRoutes: PublicRouteRegistry): void {
  publicRoutes.addExact(...CONSOLE_PUBLIC_EXACT).addPrefix(...CONSOLE_PUBLIC_PREFIXES);
  void app.register(async (scope) => {
    // Refusals of the pipeline's hooks (401 on a non-console path) answer as Status, like every kernel route.
    scope.setErrorHandler((err, request, reply) => sendErrorStatus(request, reply, err));
    await scope.register(fastifyStatic, { root, serve: false });
    const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const path = request.url.split('?')[0] ?? '/';
      if (!isConsolePath(path)) return reply.callNotFound();
      const file = path.slice(1);
      const lastSegment = file.split('/').pop() ?? '';
      if (!lastSegment.includes('.') || file === 'index.html') {
        return reply
          .header('cache-control', 'no-cache')
          .header('x-frame-options', 'SAMEORIGIN')
          .sendFile('index.html', { cacheControl: false });
      }
      if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: '365d', immutable: true });
      return reply.sendFile(file, { maxAge: 0 });
    };
    scope.get('/', serve);
    scope.get('/*', serve);
  });
}
