import { CliError, ExitCode, exitCodeForHttpStatus } from './exit-codes.js';
import { describeErrorBody } from './kernel-status.js';

export type OutputFormat = 'text' | 'json';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json'];

/** Where a command writes: results on stdout, progress and errors on stderr. */
export interface OutputStreams {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/**
 * One command's output. With `--output json` stdout carries exactly one JSON
 * document (the result, or `{"error": ...}`), so scripts can parse it;
 * progress always goes to stderr.
 */
export class Output {
  constructor(
    readonly format: OutputFormat,
    private readonly streams: OutputStreams = process,
    private readonly quiet = false,
  ) {}

  /** The command's result: `data` as JSON, or `text()` for people. */
  result(data: unknown, text: () => string): void {
    if (this.format === 'json') this.streams.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else {
      const rendered = text();
      if (rendered !== '') this.streams.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
    }
  }

  /** A step of a long operation, on stderr. */
  progress(message: string): void {
    if (!this.quiet) this.streams.stderr.write(`${message}\n`);
  }

  /** One line on stderr; with `--output json` also `{"error": ...}` on stdout. Returns the exit code. */
  error(err: unknown): ExitCode {
    const failure = asCliError(err);
    this.streams.stderr.write(`error: ${failure.message}\n`);
    if (this.format === 'json') {
      const error = { message: failure.message, exitCode: failure.exitCode, reason: failure.reason };
      this.streams.stdout.write(`${JSON.stringify({ error })}\n`);
    }
    return failure.exitCode;
  }
}

export function asCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  // Domain errors of the libraries the CLI runs (a package refused as Invalid, …) carry a Status reason and code.
  const domain = err as { reason?: unknown; code?: unknown; message?: unknown; details?: unknown };
  if (err instanceof Error && typeof domain.reason === 'string' && typeof domain.code === 'number') {
    return new CliError(
      describeErrorBody(domain.code, { ...domain, message: err.message }),
      exitCodeForHttpStatus(domain.code),
      domain.reason,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError(message, ExitCode.Failed);
}

/** Rows as aligned columns under upper-case headers, like kubectl. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n');
}
