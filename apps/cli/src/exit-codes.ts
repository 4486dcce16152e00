/**
 * What the `mortise` process exit code means; scripts branch on these, so
 * they are part of the CLI's contract (README, "Exit codes").
 */
export const ExitCode = {
  Ok: 0,
  /** The operation failed (an install ended in InstallFailed, a test failed, the kernel answered 5xx). */
  Failed: 1,
  /** Wrong arguments or options: nothing was attempted. */
  Usage: 2,
  /** Not logged in, the credential expired beyond refresh, or the kernel said 401/403. */
  Unauthorized: 3,
  /** The extension, version, plan or file named does not exist. */
  NotFound: 4,
  /** It already exists, changed underneath (409), or a wait timed out. */
  Conflict: 5,
  /** The kernel could not be reached. */
  Unreachable: 6,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line and turns into its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
    /** The Kubernetes `Status` reason when the kernel gave one. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code for an HTTP status the kernel answered with. */
export function exitCodeForHttpStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.Unauthorized;
  if (status === 404) return ExitCode.NotFound;
  if (status === 409 || status === 408 || status === 504) return ExitCode.Conflict;
  if (status === 400 || status === 422) return ExitCode.Usage;
  return ExitCode.Failed;
}
