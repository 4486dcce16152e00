import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DispatchContext, GroupDispatcher, Status } from '@mortise/api';
import { REQUEST_CALLER_KEY } from '@mortise/sdk';
import { carryRequestId } from './dispatched-request-id.js';
import { failureStatus } from './extension-exception.filter.js';
import type { ExtensionInstance } from './extension-instance.js';
import type { ExtensionRequestMetrics, ExtensionRequestStats } from './extension-metrics.js';
import { RequestDeadlines, type DeadlineEntry } from './request-deadlines.js';
import type { ExtensionStatusRecord, FailureReason } from './extension-status.js';
import type { KernelAuthorizerBridge } from './extension-authorizer.js';

export interface ExtensionDispatcherOptions {
  extension: string;
  metrics: ExtensionRequestMetrics;
  status: ExtensionStatusRecord;
  authorizer: KernelAuthorizerBridge;
  timeoutMs: number;
}

/**
 * Everything the dispatcher keeps about one request in flight, in one
 * object: its deadline (and place in the deadline list), when it started,
 * and where its answer is counted. Completion is one shared `close`
 * listener reading it from the response, so a request costs no closures.
 */
class InFlight implements DeadlineEntry {
  deadline = 0;
  previous: DeadlineEntry | undefined = undefined;
  following: DeadlineEntry | undefined = undefined;
  queued = false;

  constructor(
    readonly dispatcher: ExtensionDispatcher,
    readonly instance: ExtensionInstance,
    readonly method: string,
    readonly path: string,
    readonly response: ServerResponse,
    readonly started: number,
    readonly answers: Map<number, number>,
    readonly requestId: string,
  ) {}
}

const IN_FLIGHT = Symbol('mortise.runtime.in-flight');

type CarriesInFlight = ServerResponse & { [IN_FLIGHT]?: InFlight };

function onResponseClosed(this: CarriesInFlight): void {
  const inFlight = this[IN_FLIGHT];
  if (!inFlight) return;
  this[IN_FLIGHT] = undefined;
  inFlight.dispatcher.finished(inFlight);
}

function writeStatus(response: ServerResponse, requestId: string, status: Status): void {
  if (response.headersSent || response.writableEnded) {
    response.destroy();
    return;
  }
  response.statusCode = status.code;
  response.setHeader('content-type', 'application/json');
  response.setHeader('x-request-id', requestId);
  response.end(JSON.stringify(status));
}

/**
 * The kernel's entry into one extension. New requests go to the active
 * instance; `activate` switches atomically (requests already handed to the
 * old instance finish there). With no active instance (disabled, or it
 * failed to boot) callers get ServiceUnavailable naming the extension.
 */
export class ExtensionDispatcher implements GroupDispatcher {
  readonly name: string;
  private active: ExtensionInstance | undefined;
  private unavailable = 'it is starting';

  private readonly stats: ExtensionRequestStats;
  private readonly deadlines: RequestDeadlines<InFlight>;

  constructor(private readonly options: ExtensionDispatcherOptions) {
    this.name = `extension/${options.extension}`;
    this.stats = options.metrics.statsFor(options.extension);
    this.deadlines = new RequestDeadlines(options.timeoutMs, (expired) => this.timedOut(expired));
  }

  get instance(): ExtensionInstance | undefined {
    return this.active;
  }

  /** Makes `instance` serve new requests; returns the one it replaces. */
  activate(instance: ExtensionInstance): ExtensionInstance | undefined {
    const previous = this.active;
    this.active = instance;
    return previous;
  }

  /** Stops routing to any instance; callers get ServiceUnavailable with `reason`. Returns the one removed. */
  deactivate(reason: string): ExtensionInstance | undefined {
    const previous = this.active;
    this.active = undefined;
    this.unavailable = reason;
    return previous;
  }

  /** Records a handler fault reported by the extension's exception filter. */
  fault(reason: FailureReason, err: unknown): void {
    const { extension, metrics, status } = this.options;
    metrics.errors.inc({ extension, reason });
    status.fail(reason, err instanceof Error ? `${err.name}: ${err.message}` : String(err), true);
  }

  private timedOut({ method, path, response, requestId }: InFlight): void {
    const { extension, timeoutMs } = this.options;
    this.fault('HandlerTimeout', new Error(`no answer within ${timeoutMs} ms (${method} ${path})`));
    writeStatus(
      response,
      requestId,
      failureStatus(504, 'Timeout', `extension "${extension}" did not answer within ${timeoutMs / 1000} s`),
    );
  }

  /** Bookkeeping once a dispatched request's response is finished or its connection closed. */
  finished(inFlight: InFlight): void {
    const { instance, response, answers } = inFlight;
    this.deadlines.delete(inFlight);
    instance.finished();
    this.stats.inFlight--;
    this.stats.observe((performance.now() - inFlight.started) / 1000);
    answers.set(response.statusCode, (answers.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode < 500) this.options.status.recovered();
  }

  /** Hands the request to the active instance; returns once it is handed over, not when answered. */
  dispatch(request: IncomingMessage, response: ServerResponse, context: DispatchContext): void {
    const { extension, metrics } = this.options;
    const instance = this.active;
    if (!instance) {
      metrics.errors.inc({ extension, reason: 'Unavailable' });
      writeStatus(
        response,
        context.requestId,
        failureStatus(503, 'ServiceUnavailable', `extension "${extension}" is not available: ${this.unavailable}`),
      );
      return;
    }
    (request as { [REQUEST_CALLER_KEY]?: unknown })[REQUEST_CALLER_KEY] = this.options.authorizer.callerFor(context);
    carryRequestId(request, context.requestId);
    const started = performance.now();
    const inFlight = new InFlight(
      this,
      instance,
      request.method ?? '',
      context.info.path,
      response,
      started,
      this.stats.answersOf(instance.version),
      context.requestId,
    );
    this.stats.inFlight++;
    this.deadlines.add(inFlight, started);
    (response as CarriesInFlight)[IN_FLIGHT] = inFlight;
    response.on('close', onResponseClosed);
    try {
      instance.serve(request, response);
    } catch (err) {
      this.fault('HandlerError', err);
      writeStatus(
        response,
        context.requestId,
        failureStatus(500, 'InternalError', `extension "${extension}" failed to handle the request`),
      );
    }
  }
}
