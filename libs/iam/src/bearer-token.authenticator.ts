import type { AuthenticationRequest, Authenticator, Caller } from '@mortise/api';
import type { AccessTokenService } from './access-token.service.js';
import { API_KEY_PREFIX, type ApiKeyService } from './api-key.service.js';

/** The credential of `Authorization: Bearer <credential>`, if any. */
export function bearerCredential(request: AuthenticationRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length < 8) return undefined;
  if (header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  return header.slice(7).trim();
}

/** `Authorization: Bearer <jwt>`: a kernel-issued access token; synchronous (verified tokens are cached). */
export class BearerTokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: AccessTokenService) {}

  authenticate(request: AuthenticationRequest): Caller | undefined {
    const credential = bearerCredential(request);
    if (credential === undefined || credential.startsWith(API_KEY_PREFIX)) return undefined;
    return this.tokens.verify(credential);
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
