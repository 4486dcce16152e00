import type { Caller, Decision, RequestInfo } from '@mortise/api';

/** What the pipeline stages attach to every request, for later stages and handlers. */
declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication stage; anonymous when no credential matched. */
    caller: Caller;
    /** Set by the RequestInfo stage. */
    requestInfo: RequestInfo;
    /** Set by the authorization stage; null for public paths or without an authorizer. */
    decision: Decision | null;
    /** `performance.now()` when the request arrived (a number: a bigint timestamp allocates). */
    receivedAt: number;
    /** The dispatcher that answered (`extension/<name>`), when the kernel handed the request on. */
    dispatchedTo: string | null;
  }
}

export {};
