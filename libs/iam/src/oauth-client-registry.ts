import type { GrantType, IamConfig, OAuthClientConfig } from './iam-config.js';
import type { StoredClientEntry } from './identity-view.js';
import { OAuthError } from './oauth-error.js';
import { secretsEqual, sha256Hex } from './secret-digest.js';

/** Client credentials as presented: HTTP Basic (client_secret_basic) or form fields (client_secret_post). */
export interface PresentedClient {
  clientId?: string;
  clientSecret?: string;
}

/** Reads `Authorization: Basic` client credentials (RFC 6749 §2.3.1: form-urlencoded id and secret). */
export function clientFromBasicAuth(header: string | undefined): PresentedClient | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
  };
}

/** Where provisioned clients (OAuthClient objects) are found; the IdentityView. */
export interface StoredClients {
  storedClient(id: string): StoredClientEntry | undefined;
}

/** A provisioned client as a client configuration: confidential, `client_credentials` only. */
function configOf(stored: StoredClientEntry): OAuthClientConfig {
  const config: OAuthClientConfig = {
    id: stored.id,
    secretHash: stored.secretHash,
    grantTypes: ['client_credentials'],
    actAs: stored.actAs,
  };
  if (stored.accessTokenTtlSeconds !== undefined) config.accessTokenTtlSeconds = stored.accessTokenTtlSeconds;
  return config;
}

/**
 * The OAuth clients: the configured ones, then those the kernel provisioned
 * (extensions' service identities). Authenticates them and checks what each may do.
 */
export class OAuthClientRegistry {
  private readonly clients = new Map<string, OAuthClientConfig>();

  constructor(
    config: Pick<IamConfig, 'clients'>,
    private readonly stored: StoredClients = { storedClient: () => undefined },
  ) {
    for (const client of config.clients) this.clients.set(client.id, client);
  }

  /** A configured client, else a provisioned one; configured ids win. */
  find(id: string | undefined): OAuthClientConfig | undefined {
    if (id === undefined) return undefined;
    const configured = this.clients.get(id);
    if (configured) return configured;
    const stored = this.stored.storedClient(id);
    return stored ? configOf(stored) : undefined;
  }

  /** Whether this id names a provisioned client (its tokens stand for a service identity). */
  isStored(id: string): boolean {
    return !this.clients.has(id) && this.stored.storedClient(id) !== undefined;
  }

  /**
   * The client, after checking its secret (confidential clients) or that it
   * sent none (public ones). Unknown and wrong secret give the same answer.
   */
  authenticate(presented: PresentedClient): OAuthClientConfig {
    const client = presented.clientId ? this.find(presented.clientId) : undefined;
    const secret = presented.clientSecret ?? '';
    const expected = client?.secretHash?.replace(/^sha256:/, '') ?? '';
    const secretOk = client?.secretHash === undefined ? secret === '' : secretsEqual(sha256Hex(secret), expected);
    if (!client || !secretOk) throw new OAuthError('invalid_client', 'client authentication failed');
    return client;
  }

  allowGrant(client: OAuthClientConfig, grant: GrantType): void {
    if (!client.grantTypes.includes(grant) || (grant === 'password' && !client.trusted)) {
      throw new OAuthError('unauthorized_client', `client "${client.id}" may not use the ${grant} grant`);
    }
    if (grant === 'client_credentials' && (client.secretHash === undefined || client.actAs === undefined)) {
      throw new OAuthError(
        'unauthorized_client',
        'client_credentials needs a confidential client configured with `actAs`',
      );
    }
  }
}
