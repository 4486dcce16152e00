export type GrantType = 'password' | 'refresh_token' | 'client_credentials';

/** One OAuth client the kernel issues tokens to. */
export interface OAuthClientConfig {
  id: string;
  /** `sha256:<hex>` of the client secret. Absent: a public client (no secret). */
  secretHash?: string;
  /** Trusted clients may use the password grant (first-party UIs and the CLI). */
  trusted?: boolean;
  grantTypes: GrantType[];
  /** For `client_credentials`: the user the client acts as. */
  actAs?: string;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
}

export interface IamConfig {
  /** The issuer URL (`iss`, discovery); the kernel's external base URL. */
  issuer: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** A refresh-token family ends this long after the login, however often it is rotated. */
  sessionMaxAgeSeconds: number;
  /** Rotate the signing key this often; 0 = only by the admin API. */
  signingKeyRotationSeconds: number;
  /** 32 bytes, base64: encrypts private signing keys at rest. Absent: stored unencrypted. */
  keyEncryptionKey?: string;
  passwordMinLength: number;
  lockout: { maxFailures: number; windowSeconds: number; lockSeconds: number };
  loginRecords: { maxPerUser: number; maxAgeSeconds: number };
  rateLimit: { perIp: { max: number; windowSeconds: number }; perUsername: { max: number; windowSeconds: number } };
  /** argon2id cost; the defaults follow the OWASP password storage guidance. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  tokenCacheMaxEntries: number;
  /** Session cookie `Secure` flag: `auto` sets it when the request came over TLS. */
  cookieSecure: 'auto' | boolean;
  clients: OAuthClientConfig[];
}

/** The first-party clients: public (no secret) and trusted for the password grant with refresh. */
export const BUILT_IN_CLIENTS: readonly OAuthClientConfig[] = [
  { id: 'console', trusted: true, grantTypes: ['password', 'refresh_token'] },
  { id: 'mortise-cli', trusted: true, grantTypes: ['password', 'refresh_token'] },
];

export const DEFAULT_IAM_CONFIG: IamConfig = {
  issuer: 'http://localhost:8080',
  accessTokenTtlSeconds: 2 * 3600,
  refreshTokenTtlSeconds: 7 * 24 * 3600,
  sessionMaxAgeSeconds: 30 * 24 * 3600,
  signingKeyRotationSeconds: 0,
  passwordMinLength: 8,
  lockout: { maxFailures: 5, windowSeconds: 30 * 60, lockSeconds: 30 * 60 },
  loginRecords: { maxPerUser: 100, maxAgeSeconds: 30 * 24 * 3600 },
  rateLimit: { perIp: { max: 30, windowSeconds: 60 }, perUsername: { max: 10, windowSeconds: 60 } },
  argon2: { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 },
  tokenCacheMaxEntries: 10_000,
  cookieSecure: 'auto',
  clients: [...BUILT_IN_CLIENTS],
};

/** Defaults overlaid with what the operator configured; configured clients add to the built-in ones. */
export function resolveIamConfig(overrides: Partial<IamConfig> = {}): IamConfig {
  const configuredIds = new Set((overrides.clients ?? []).map((c) => c.id));
  return {
    ...DEFAULT_IAM_CONFIG,
    ...overrides,
    lockout: { ...DEFAULT_IAM_CONFIG.lockout, ...overrides.lockout },
    loginRecords: { ...DEFAULT_IAM_CONFIG.loginRecords, ...overrides.loginRecords },
    rateLimit: { ...DEFAULT_IAM_CONFIG.rateLimit, ...overrides.rateLimit },
    argon2: { ...DEFAULT_IAM_CONFIG.argon2, ...overrides.argon2 },
    clients: [...BUILT_IN_CLIENTS.filter((c) => !configuredIds.has(c.id)), ...(overrides.clients ?? [])],
  };
}
