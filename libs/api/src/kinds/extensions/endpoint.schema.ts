import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../schema-types.js';
import { ConditionsSchema } from '../condition.schema.js';

/**
 * Where the gateway sends requests: a `url`, or a Kubernetes `service`.
 * These fields sit inline in the spec of APIService and ReverseProxy.
 */
export const ServiceReferenceSchema = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Path prefix prepended to proxied requests. */
  path: Type.Optional(Type.String()),
});

export const EndpointFields = {
  url: Type.Optional(Type.String({ format: 'uri' })),
  service: Type.Optional(ServiceReferenceSchema),
  /** PEM bundle to verify the upstream's TLS certificate. */
  caBundle: Type.Optional(Type.String()),
  insecureSkipVerify: Type.Optional(Type.Boolean()),
  timeouts: Type.Optional(
    Type.Object({
      /** Milliseconds to establish a connection. */
      connect: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Milliseconds until the upstream's response headers. */
      response: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Milliseconds a pooled connection may stay idle. */
      idle: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
  maxRequestBodyBytes: Type.Optional(Type.Integer({ minimum: 0 })),
};

export const EndpointSchema = Type.Object(EndpointFields);
export type Endpoint = Static<typeof EndpointSchema>;
export type ServiceReference = Static<typeof ServiceReferenceSchema>;

/** Status shared by the gateway kinds: whether the route serves. */
export const GatewayStatusSchema = Type.Object({
  state: Type.Optional(StringEnum(['Available', 'Unavailable', 'Disabled'] as const)),
  conditions: Type.Optional(ConditionsSchema),
});
export type GatewayStatus = Static<typeof GatewayStatusSchema>;
