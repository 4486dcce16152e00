import { Type } from '@sinclair/typebox';
import { defineKernelKind, type ResourceOf, EXTENSIONS_GROUP, ResourceSchema } from '../define-kind.js';
import { EndpointFields, GatewayStatusSchema } from './endpoint.schema.js';

/** Serves an API group/version from an upstream under `/kapis/{group}/{version}`. */
export const APIServiceSchema = ResourceSchema({
  spec: Type.Object({
    group: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    ...EndpointFields,
  }),
  status: Type.Optional(GatewayStatusSchema),
});
export type APIService = ResourceOf<typeof APIServiceSchema>;

export const APIServiceKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'APIService',
  plural: 'apiservices',
  scope: 'global',
  schema: APIServiceSchema,
});

/** Routes `/proxy/{prefix}/...` to an upstream, with header and path rewriting. */
export const ReverseProxySchema = ResourceSchema({
  spec: Type.Object({
    matcher: Type.Object({
      /** Path under `/proxy`; a trailing `*` matches the prefix. */
      path: Type.String({ minLength: 1 }),
      /** HTTP method, or `*` for all. */
      method: Type.Optional(Type.String()),
    }),
    ...EndpointFields,
    directives: Type.Optional(
      Type.Object({
        stripPathPrefix: Type.Optional(Type.String()),
        stripPathSuffix: Type.Optional(Type.String()),
        /** Headers set on the upstream request, `Name: value`. */
        headerUp: Type.Optional(Type.Array(Type.String())),
        /** Headers set on the response, `Name: value`. */
        headerDown: Type.Optional(Type.Array(Type.String())),
        /** Replacement path; the matched path is rewritten to it. */
        rewrite: Type.Optional(Type.String()),
        /** Authenticate and authorize requests in the kernel before proxying. */
        authProxy: Type.Optional(Type.Boolean()),
        /** Forward the caller's own bearer token upstream. */
        passUserToken: Type.Optional(Type.Boolean()),
      }),
    ),
  }),
  status: Type.Optional(GatewayStatusSchema),
});
export type ReverseProxy = ResourceOf<typeof ReverseProxySchema>;

export const ReverseProxyKind = defineKernelKind({
  group: EXTENSIONS_GROUP,
  kind: 'ReverseProxy',
  plural: 'reverseproxies',
  scope: 'global',
  schema: ReverseProxySchema,
});
