import { UnauthorizedError } from '@mortise/api';

export interface KernelTokenSourceOptions {
  /** The kernel's token endpoint: `<issuer>/oauth/token` (`token_endpoint` in its OpenID discovery). */
  tokenUrl: string | URL;
  /** `ext-<extension>`, from `mortise credentials <extension>`. */
  clientId: string;
  /**
   * The client secret; keep it in a secret store, never in code or logs. A
   * function is asked again at every token request, so a secret read from a
   * mounted file (a Kubernetes Secret volume) can be rotated without a
   * restart: after rotation the kernel refuses the old token, `invalidate()`
   * and the next `token()` use the new secret.
   */
  clientSecret: string | (() => string | Promise<string>);
  /** Ask for a new token this long before the current one expires. Default 60 s. */
  renewBeforeSeconds?: number;
  /** For tests; default the global `fetch`. */
  fetch?: typeof fetch;
  /** For tests; default `Date.now`. */
  now?: () => number;
}

/** Access tokens for calling the kernel as the extension's own identity `ext:<extension>`. */
export interface KernelTokenSource {
  /** A valid access token: fetched with the client credentials once, reused until shortly before it expires. */
  token(): Promise<string>;
  /** Drops the cached token; call it after a 401 (the secret was rotated, the extension reinstalled). */
  invalidate(): void;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for a remote
 * extension's backend: the client authenticates with HTTP Basic, the token
 * allows what the extension's manifest `permissions` ask for. One request is
 * in flight at a time however many callers wait for a token.
 */
export function createKernelTokenSource(options: KernelTokenSourceOptions): KernelTokenSource {
  const fetchToken = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const renewBeforeMs = (options.renewBeforeSeconds ?? 60) * 1000;
  const { clientSecret } = options;
  const secretNow = typeof clientSecret === 'string' ? () => clientSecret : clientSecret;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const request = async (): Promise<string> => {
    const secret = await secretNow();
    const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    );
    const response = await fetchToken(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials',
    });
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (!response.ok || typeof answer.access_token !== 'string') {
      const code = typeof answer.error === 'string' ? answer.error : `HTTP ${response.status}`;
      const reason = typeof answer.error_description === 'string' ? `: ${answer.error_description}` : '';
      throw new UnauthorizedError(
        `the kernel refused the client credentials of "${options.clientId}" (${code}${reason})`,
      );
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : 60) * 1000;
    cached = { token: answer.access_token, renewAt: now() + Math.max(lifetimeMs - renewBeforeMs, lifetimeMs / 2) };
    return answer.access_token;
  };

  return {
    token: () => {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      pending ??= request().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate: () => {
      cached = undefined;
    },
  };
}
