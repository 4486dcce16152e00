import type { ServerResponse } from 'node:http';
import { NotFoundError, type DispatchContext, type GroupDispatcher, type GroupDispatcherRegistry } from '@mortise/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PipelineRequest, RawExchange } from './raw-exchange.js';

/** A stage's continuation: no error goes on, an error is answered as a Status. */
export type HookDone = (err?: Error) => void;

/**
 * How a request leaves the stages for its dispatcher, per server layer:
 * Fastify's reply is hijacked first; a raw request is handed on as it is.
 * When no dispatcher routes it, Fastify goes on to its routes, while a raw
 * request (taken because a dispatcher owned its path) is not found.
 */
export interface Carrier<R extends PipelineRequest, T> {
  /** The dispatcher that answers, after the group's guards; undefined: the server's own routes answer. */
  route(request: R, dispatchers: GroupDispatcherRegistry | undefined): GroupDispatcher | undefined;
  handOver(request: R, transport: T, dispatcher: GroupDispatcher, context: DispatchContext): Promise<void> | void;
  unrouted(request: R, done: HookDone): void;
}

export const FASTIFY: Carrier<FastifyRequest, FastifyReply> = {
  route: (request, dispatchers) => dispatchers?.route(request.requestInfo),
  handOver(request, reply, dispatcher, context) {
    reply.hijack();
    return dispatcher.dispatch(request.raw, reply.raw, context);
  },
  unrouted: (_request, done) => done(),
};

export const RAW: Carrier<RawExchange, ServerResponse> = {
  // Taken at the server because its owner was known: only the guards are left to ask.
  route(exchange, dispatchers) {
    dispatchers?.admit(exchange.requestInfo);
    return exchange.owner;
  },
  handOver: (exchange, res, dispatcher, context) => dispatcher.dispatch(exchange.req, res, context),
  unrouted: (exchange, done) => done(notFound(exchange.method, exchange.url)),
};

export function notFound(method: string, url: string): NotFoundError {
  const path = url.split('?')[0] ?? url;
  return new NotFoundError(`the server could not find the requested resource (${method} ${path})`);
}
