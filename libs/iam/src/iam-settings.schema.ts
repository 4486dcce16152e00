import { Type, type Static } from '@sinclair/typebox';

const Seconds = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }));

export const OAuthClientSettingsSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    secretHash: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
    trusted: Type.Optional(Type.Boolean()),
    grantTypes: Type.Array(
      Type.Union([Type.Literal('password'), Type.Literal('refresh_token'), Type.Literal('client_credentials')]),
    ),
    actAs: Type.Optional(Type.String()),
    accessTokenTtlSeconds: Seconds('access-token lifetime for this client'),
    refreshTokenTtlSeconds: Seconds('refresh-token lifetime for this client'),
  },
  { additionalProperties: false },
);

/** What an operator may set for identity (the kernel's `identity` setting); everything is optional. */
export const IamSettingsSchema = Type.Object(
  {
    accessTokenTtlSeconds: Seconds('access-token lifetime'),
    refreshTokenTtlSeconds: Seconds('refresh-token lifetime'),
    sessionMaxAgeSeconds: Seconds('a session ends this long after login'),
    signingKeyRotationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
    keyEncryptionKey: Type.Optional(Type.String({ description: '32 bytes, base64' })),
    passwordMinLength: Type.Optional(Type.Integer({ minimum: 8, maximum: 1024 })),
    lockout: Type.Optional(
      Type.Object(
        {
          maxFailures: Type.Integer({ minimum: 1 }),
          windowSeconds: Type.Integer({ minimum: 1 }),
          lockSeconds: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    rateLimit: Type.Optional(
      Type.Object(
        {
          perIp: Type.Object({ max: Type.Integer({ minimum: 1 }), windowSeconds: Type.Integer({ minimum: 1 }) }),
          perUsername: Type.Object({ max: Type.Integer({ minimum: 1 }), windowSeconds: Type.Integer({ minimum: 1 }) }),
        },
        { additionalProperties: false },
      ),
    ),
    cookieSecure: Type.Optional(Type.Union([Type.Literal('auto'), Type.Boolean()])),
    clients: Type.Optional(Type.Array(OAuthClientSettingsSchema)),
  },
  { additionalProperties: false },
);

export type IamSettings = Static<typeof IamSettingsSchema>;
