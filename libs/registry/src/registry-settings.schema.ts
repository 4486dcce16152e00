import { Type, type Static } from '@sinclair/typebox';

/** The kernel's `registry` settings (`mortise.yaml` key `registry`, `MORTISE_REGISTRY` as JSON). */
export const RegistrySettingsSchema = Type.Object(
  {
    /** Publisher public keys (SPKI PEM) whose packages install; every `*.pem` in `<dataDir>/trusted-keys/` counts too. */
    trustedKeys: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.Optional(Type.String()), publicKeyPem: Type.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
      ),
    ),
    /** Install unsigned packages and packages of untrusted publishers (their files are still checked). */
    allowUnsigned: Type.Optional(Type.Boolean()),
    /** Keep `<dataDir>/repository` as the Repository `local`, signed with the local publisher key (default true). */
    localRepository: Type.Optional(Type.Boolean()),
    /** Extension directories published into the local repository once; default: the samples shipped with the kernel. */
    seed: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);

export type RegistrySettings = Static<typeof RegistrySettingsSchema>;
