import { configFilePath, readCliConfig, writeCliConfig, type CliCredentials } from './cli-config.js';
import { CliError, ExitCode } from './exit-codes.js';
import { kernelError } from './kernel-status.js';
import { reach, tokenGrant } from './oauth-grant.js';

/** Refresh this long before the access token expires, so a request never carries a dying token. */
const REFRESH_MARGIN_MS = 30_000;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Answers with these HTTP statuses return undefined instead of failing (e.g. 404 on a lookup). */
  allow?: number[];
}

/** One event of a `?watch=true` stream. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Speaks to the kernel with the stored credentials: refreshes an expired
 * access token (and saves it), retries once after a 401 with a fresh one,
 * and turns error answers into one-line CliErrors.
 */
export class KernelClient {
  /** The refresh in flight: concurrent requests share it (a refresh token is single-use; reusing one revokes the session). */
  private refreshing: Promise<void> | undefined;

  private constructor(
    private credentials: CliCredentials,
    private readonly configFile: string,
  ) {}

  /** The client for the logged-in kernel; exit code 3 when there is none. */
  static async fromConfig(configFile = configFilePath()): Promise<KernelClient> {
    const config = await readCliConfig(configFile);
    if (!config.current) {
      throw new CliError('not logged in; run `mortise login <kernel-url>` first', ExitCode.Unauthorized);
    }
    return new KernelClient(config.current, configFile);
  }

  get server(): string {
    return this.credentials.server;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const send = async (): Promise<Response> => {
      const headers: Record<string, string> = {
        accept: 'application/json',
        authorization: `Bearer ${await this.accessToken()}`,
      };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      return reach(this.server, this.url(path, options.query), {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    };
    let response = await send();
    if (response.status === 401 && (await this.refreshAfterRejection())) response = await send();
    const text = await response.text();
    const body = parseBody(text);
    if (options.allow?.includes(response.status)) return undefined as T;
    if (!response.ok) throw kernelError(response.status, body);
    return body as T;
  }

  /** Streams `?watch=true` events of a collection until `signal` aborts or the kernel ends the stream. */
  async *watch<T>(
    path: string,
    query: Record<string, string | undefined>,
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>> {
    const response = await reach(this.server, this.url(path, { ...query, watch: 'true' }), {
      headers: { accept: 'application/json', authorization: `Bearer ${await this.accessToken()}` },
      signal,
    });
    if (!response.ok) throw kernelError(response.status, parseBody(await response.text()));
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }

  private url(path: string, query: Record<string, string | undefined> = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
    const search = params.toString();
    return `${this.server}${path}${search ? `${path.includes('?') ? '&' : '?'}${search}` : ''}`;
  }

  private async accessToken(): Promise<string> {
    const expiresAt = this.credentials.expiresAt ? Date.parse(this.credentials.expiresAt) : Infinity;
    if (this.credentials.type === 'token' && expiresAt - REFRESH_MARGIN_MS <= Date.now()) await this.refresh();
    return this.credentials.accessToken;
  }

  private async refreshAfterRejection(): Promise<boolean> {
    if (this.credentials.type !== 'token' || !this.credentials.refreshToken) return false;
    await this.refresh();
    return true;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const refreshToken = this.credentials.refreshToken;
    if (!refreshToken) {
      throw new CliError(
        'the access token expired and there is no refresh token; run `mortise login` again',
        ExitCode.Unauthorized,
      );
    }
    try {
      this.credentials = await tokenGrant(
        this.server,
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        this.credentials.username,
      );
    } catch (err) {
      if (err instanceof CliError && err.exitCode === ExitCode.Unauthorized) {
        throw new CliError(`the session expired (${err.message}); run \`mortise login\` again`, ExitCode.Unauthorized);
      }
      throw err;
    }
    const config = await readCliConfig(this.configFile);
    await writeCliConfig(this.configFile, { ...config, current: this.credentials });
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
