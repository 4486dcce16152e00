import type { Caller, RequestInfo } from '@mortise/api';
import type { FastifyRequest } from 'fastify';

/** What the kernel's request pipeline attached to a request (authentication and RequestInfo stages). */
export interface PipelineContext {
  caller: Caller;
  info: RequestInfo;
}

/**
 * The caller and RequestInfo the pipeline set. The gateway never serves a
 * request the pipeline has not seen: without them it fails closed.
 */
export function pipelineContext(request: FastifyRequest): PipelineContext {
  const r = request as unknown as { caller?: Caller | null; requestInfo?: RequestInfo | null };
  if (!r.caller || !r.requestInfo) {
    throw new Error('gateway routes need the request pipeline installed on the root instance before them');
  }
  return { caller: r.caller, info: r.requestInfo };
}

export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q);
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
