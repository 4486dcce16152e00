import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.js';
import { DIST_PREFIX, registerBundleRoutes } from './bundle-routes.js';
import { registerMenuRoutes, type MenuRoutesOptions } from './menu-routes.js';
import { registerProxyRoutes } from './proxy-routes.js';

export interface GatewayRoutesOptions {
  /** The kernel's public-route registry; `/dist/` joins it. */
  publicRoutes?: { addPrefix(...prefixes: string[]): unknown };
  menus?: MenuRoutesOptions;
}

/** Everything the gateway serves, on the ROOT instance, after the request pipeline is installed. */
export function registerGatewayRoutes(
  app: FastifyInstance,
  gateway: Gateway,
  options: GatewayRoutesOptions = {},
): void {
  options.publicRoutes?.addPrefix(DIST_PREFIX);
  registerProxyRoutes(app, gateway);
  registerBundleRoutes(app, gateway);
  registerMenuRoutes(app, gateway, options.menus);
}
