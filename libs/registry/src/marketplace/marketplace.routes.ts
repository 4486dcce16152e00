import type { FastifyInstance } from 'fastify';
import { type Marketplace, type MarketplaceQuery, type MarketplaceSort } from './marketplace.js';

export const MARKETPLACE_PATH = '/kapis/extensions.mortise.io/v1/marketplace';

/**
 * `GET /kapis/extensions.mortise.io/v1/marketplace?q=&category=&provider=&sort=`
 * and `GET .../marketplace/{name}`. Behind the kernel's pipeline like any
 * `/kapis` path: RequestInfo resource `marketplace` (verbs `list` and `get`)
 * in `extensions.mortise.io`. Errors are domain errors; the caller's error
 * handler turns them into Status responses.
 */
export function registerMarketplaceRoutes(app: FastifyInstance, marketplace: Marketplace): void {
  app.get(MARKETPLACE_PATH, async (request) => marketplace.search(queryOf(request.query)));
  app.get<{ Params: { name: string } }>(`${MARKETPLACE_PATH}/:name`, async (request) =>
    marketplace.details(request.params.name),
  );
}

function queryOf(raw: unknown): MarketplaceQuery {
  const query = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof query[key] === 'string' && query[key] !== '' ? query[key] : undefined;
  const sort = text('sort');
  return {
    ...(text('q') !== undefined ? { q: text('q') } : {}),
    ...(text('category') !== undefined ? { category: text('category') } : {}),
    ...(text('provider') !== undefined ? { provider: text('provider') } : {}),
    // An unknown sort goes through so that search() can refuse it by name.
    ...(sort !== undefined ? { sort: sort as MarketplaceSort } : {}),
  };
}
