import { createReadStream } from 'node:fs';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '@mortise/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlFor, contentTypeOf } from '../bundles/asset-content-type.js';
import { resolveBundleFile } from '../bundles/bundle-file-resolver.js';
import { BUNDLE_ENTRY } from '../bundles/js-bundle-table.js';
import type { Gateway } from '../gateway.js';
import { hasDotSegment } from '../routing/route-matcher.js';
import { pathOf, pipelineContext, queryOf } from './pipeline-context.js';

export const DIST_PREFIX = '/dist/';

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  return header !== undefined && header.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

/**
 * `/dist/{bundle}/...`: JSBundle assets with their content type, an ETag
 * (304 on a match), immutable caching for content-hashed or `?v=` assets
 * and revalidation for the rest. Public, as the console loads it before
 * login; traversal (`..`, encoded or not, symlinks out of the package) is
 * refused.
 */
export function registerBundleRoutes(app: FastifyInstance, gateway: Gateway): void {
  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = pathOf(request.url);
    const rest = path.slice(DIST_PREFIX.length);
    const slash = rest.indexOf('/');
    const name = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    const file = slash < 0 ? '' : rest.slice(slash + 1);
    if (hasDotSegment(path)) throw new BadRequestError(`path "${path}" has "." or ".." segments`);
    const bundle = gateway.bundles.get(name);
    if (!bundle) throw new NotFoundError(`no JSBundle "${name}"`);
    const source = bundle.source;
    const cacheControl = cacheControlFor(file, queryOf(request.url).slice(1));

    switch (source.kind) {
      case 'raw': {
        if (file !== BUNDLE_ENTRY) throw new NotFoundError(`JSBundle "${name}" has only ${BUNDLE_ENTRY}`);
        void reply.header('etag', source.etag).header('cache-control', cacheControl);
        if (notModified(request, source.etag)) return reply.code(304).send();
        return reply.type(contentTypeOf(file)).send(source.content);
      }
      case 'file': {
        const wanted = file === BUNDLE_ENTRY ? source.entry.replace(/^\.?\//, '') : decodeURIComponent(file);
        const root = gateway.packageRootOf(source.extension);
        if (!root) {
          throw new ServiceUnavailableError(
            `JSBundle "${name}": the package of extension "${source.extension}" is not on this kernel yet; try again later`,
            { retryAfterSeconds: 5 },
          );
        }
        const found = await resolveBundleFile(root, wanted, source.entry, source.assets);
        if (!found) throw new NotFoundError(`JSBundle "${name}" has no file "${file}"`);
        const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
        void reply.header('etag', etag).header('cache-control', cacheControl);
        if (notModified(request, etag)) return reply.code(304).send();
        void reply.type(contentTypeOf(wanted)).header('content-length', found.size);
        return reply.send(request.method === 'HEAD' ? undefined : createReadStream(found.path));
      }
      case 'url': {
        reply.hijack();
        const base = source.route.upstream.target.basePath;
        await gateway.dispatch.serve(source.route, {
          req: request.raw,
          res: reply.raw,
          ...pipelineContext(request),
          path: `${base}/${file}${queryOf(request.url)}`,
          prefix: `/dist/${name}`,
          clientIp: request.ip,
          proto: request.protocol,
        });
        return reply;
      }
      default: {
        const unreachable: never = source;
        return unreachable;
      }
    }
  };
  app.route({ method: ['GET', 'HEAD'], url: `${DIST_PREFIX}*`, exposeHeadRoute: false, handler: serve });
}
