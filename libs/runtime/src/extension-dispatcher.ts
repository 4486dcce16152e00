import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DispatchContext, GroupDispatcher, Status } from '@mortise/api';
import { REQUEST_CALLER_KEY } from '@mortise/sdk';
import { failureStatus } from './extension-exception.filter.js';
import type { ExtensionInstance } from './extension-instance.js';
import type { ExtensionRequestMetrics, ExtensionRequestStats } from './extension-metrics.js';
import { RequestDeadlines } from './request-deadlines.js';
import type { ExtensionStatusRecord, FailureReason } from './extension-status.js';
import type { KernelAuthorizerBridge } from './extension-authorizer.js';

export interface ExtensionDispatcherOptions {
  extension: string;
  metrics: ExtensionRequestMetrics;
  status: ExtensionStatusRecord;
  authorizer: KernelAuthorizerBridge;
  timeoutMs: number;
}

interface InFlight {
  method: string;
  path: string;
  response: ServerResponse;
}

function writeStatus(response: ServerResponse, status: Status): void {
  if (response.headersSent || response.writableEnded) {
    response.destroy();
    return;
  }
  response.statusCode = status.code;
  response.setHeader('content-type', 'application/json');
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

  private timedOut({ method, path, response }: InFlight): void {
    const { extension, timeoutMs } = this.options;
    this.fault('HandlerTimeout', new Error(`no answer within ${timeoutMs} ms (${method} ${path})`));
    writeStatus(
      response,
      failureStatus(504, 'Timeout', `extension "${extension}" did not answer within ${timeoutMs / 1000} s`),
    );
  }

  /** Hands the request to the active instance; returns once it is handed over, not when answered. */
  dispatch(request: IncomingMessage, response: ServerResponse, context: DispatchContext): void {
    const { extension, metrics } = this.options;
    const instance = this.active;
    if (!instance) {
      metrics.errors.inc({ extension, reason: 'Unavailable' });
      writeStatus(
        response,
        failureStatus(503, 'ServiceUnavailable', `extension "${extension}" is not available: ${this.unavailable}`),
      );
      return;
    }
    (request as { [REQUEST_CALLER_KEY]?: unknown })[REQUEST_CALLER_KEY] = this.options.authorizer.callerFor(context);
    const started = performance.now();
    const answers = this.stats.answersOf(instance.version);
    const inFlight: InFlight = { method: request.method ?? '', path: context.info.path, response };
    this.stats.inFlight++;
    this.deadlines.add(inFlight);
    const finished = (): void => {
      this.deadlines.delete(inFlight);
      this.stats.inFlight--;
      this.stats.observe((performance.now() - started) / 1000);
      answers.set(response.statusCode, (answers.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode < 500) this.options.status.recovered();
    };
    try {
      instance.serve(request, response, finished);
    } catch (err) {
      this.fault('HandlerError', err);
      writeStatus(
        response,
        failureStatus(500, 'InternalError', `extension "${extension}" failed to handle the request`),
      );
    }
  }
}
