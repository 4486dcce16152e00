import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line, at the top level and two
 * levels down (pino's redaction has no recursive wildcard).
 */
export const REDACTED_FIELDS = ['authorization', 'cookie', 'password', 'secret', 'token'] as const;

export function redactionPaths(fields: readonly string[] = REDACTED_FIELDS): string[] {
  return fields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

/** JSON lines with secrets censored; the level comes from configuration. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { service: 'mortise' },
    redact: { paths: redactionPaths(), censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
