import type { KernelMetrics, Logger } from '@mortise/observability';
import type { CompletedRequestObserver } from './request-pipeline.js';

const MUTATING_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Request count and latency by route template, method and status code. */
export function metricsObserver(metrics: KernelMetrics): CompletedRequestObserver {
  return (done) => metrics.observeRequest(done.route, done.method, done.statusCode, done.seconds);
}

/**
 * One audit line per mutation (who, what, where, outcome) at info; every
 * other request at debug. Bodies are never logged: they may hold secrets.
 */
export function auditObserver(logger: Logger): CompletedRequestObserver {
  return (done) => {
    const info = done.info;
    const mutation = info?.isResourceRequest === true && MUTATING_VERBS.has(info.verb);
    if (!mutation && !logger.isLevelEnabled('debug')) return;
    const line = {
      requestId: done.requestId,
      user: done.caller?.user.username,
      verb: info?.verb,
      path: info?.path,
      ...(info?.isResourceRequest
        ? {
            resource: info.resource,
            subresource: info.subresource || undefined,
            name: info.name || undefined,
            workspace: info.workspace || undefined,
            project: info.project || undefined,
          }
        : {}),
      code: done.statusCode,
      ms: Math.round(done.seconds * 1e6) / 1e3,
    };
    if (mutation) logger.info({ audit: line }, 'audit');
    else logger.debug(line, 'request');
  };
}
