import type { AuthenticationRequest, Authenticator, Caller } from '@mortise/api';
import type { AccessTokenService, VerifiedToken } from './access-token.service.js';
import { API_KEY_PREFIX, type ApiKeyService } from './api-key.service.js';

/** The credential of `Authorization: Bearer <credential>`, if any. */
export function bearerCredential(request: AuthenticationRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length < 8) return undefined;
  // The usual spelling needs no lowercased copy of the scheme.
  if (!header.startsWith('Bearer ') && (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== 'bearer')) {
    return undefined;
  }
  return header.slice(7).trim();
}

/** The access token last verified on one connection, by the header that carried it. */
interface LastOnConnection {
  header: string;
  token: VerifiedToken;
}

/**
 * `Authorization: Bearer <jwt>`: a kernel-issued access token; synchronous
 * (verified tokens are cached). A keep-alive client sends the same header on
 * every request, so the token last verified on a connection is kept with it:
 * the same header again skips parsing it and looking the token up, never the
 * expiry, session and user checks.
 */
export class BearerTokenAuthenticator implements Authenticator {
  private readonly lastOnConnection = new WeakMap<object, LastOnConnection>();

  constructor(private readonly tokens: AccessTokenService) {}

  authenticate(request: AuthenticationRequest): Caller | undefined {
    const { socket } = request;
    const header = request.headers.authorization;
    const last = socket === undefined ? undefined : this.lastOnConnection.get(socket);
    if (last !== undefined && last.header === header) {
      const caller = this.tokens.reverify(last.token);
      if (caller !== undefined) return caller;
    }
    const credential = bearerCredential(request);
    if (credential === undefined || credential.startsWith(API_KEY_PREFIX)) return undefined;
    const token = this.tokens.verifiedToken(credential);
    if (socket !== undefined && typeof header === 'string') {
      if (last === undefined) this.lastOnConnection.set(socket, { header, token });
      else {
        last.header = header;
        last.token = token;
      }
    }
    return token.caller;
  }
}

/** `Authorization: Bearer mrt_<id>_<secret>`: an API key; synchronous once the key was verified. */
export class ApiKeyAuthenticator implements Authenticator {
  constructor(private readonly apiKeys: ApiKeyService) {}

  authenticate(request: AuthenticationRequest): Promise<Caller> | Caller | undefined {
    const credential = bearerCredential(request);
    if (credential === undefined || !credential.startsWith(API_KEY_PREFIX)) return undefined;
    return this.apiKeys.resolve(credential);
  }
}
