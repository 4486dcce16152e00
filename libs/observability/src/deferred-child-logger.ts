import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A child logger made only when something is written through it. The
 * framework gives every request its own child (to stamp the request id on
 * each line); a pino child costs a few microseconds to build, and most
 * requests never log, so the proxy hot path would pay for lines it never
 * writes. Until the first line, level questions go to the parent, whose
 * level the child would inherit anyway.
 */
export class DeferredChildLogger {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Bindings,
  ) {}

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.childBindings));
  }

  /** Whether the child exists yet (for tests). */
  get materialized(): boolean {
    return this.made !== undefined;
  }

  get level(): LevelWithSilentOrString {
    return (this.made ?? this.parent).level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings(), ...this.childBindings };
  }

  // Methods, not per-instance closures: one of these is built per request.
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    // A level the parent drops is dropped by a child that inherits it: no child needed.
    if (this.made === undefined && !this.parent.isLevelEnabled(level)) return;
    const child = this.real;
    Reflect.apply(child[level], child, args);
  }
}

/**
 * A Fastify `childLoggerFactory`: per-request children are deferred unless
 * the route sets its own level or serializers (then made at once, as usual).
 */
export function deferredChildLoggerFactory(logger: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  // Structurally the part of a pino logger the framework and request code use (levels, child, bindings).
  return new DeferredChildLogger(logger, bindings) as unknown as Logger;
}
