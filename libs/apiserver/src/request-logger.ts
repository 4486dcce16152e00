import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;

function call(log: unknown, logger: FastifyBaseLogger, args: unknown[]): void {
  (log as (...a: unknown[]) => void).apply(logger, args);
}

/**
 * A request's logger that becomes a child of the root logger (with the
 * request id bound) only when something logs through it: most requests log
 * nothing, and making a pino child with redaction per request costs more
 * than a request's authentication and authorization together.
 */
export class RequestLogger implements FastifyBaseLogger {
  private child_: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.child_ ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.child_?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: unknown[]): void {
    call(this.logger.fatal, this.logger, args);
  }
  error(...args: unknown[]): void {
    call(this.logger.error, this.logger, args);
  }
  warn(...args: unknown[]): void {
    call(this.logger.warn, this.logger, args);
  }
  info(...args: unknown[]): void {
    call(this.logger.info, this.logger, args);
  }
  debug(...args: unknown[]): void {
    call(this.logger.debug, this.logger, args);
  }
  trace(...args: unknown[]): void {
    call(this.logger.trace, this.logger, args);
  }
  silent(): void {
    // logs nothing, like pino's
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory` making a `RequestLogger` per request. */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => new RequestLogger(logger, bindings, options);
