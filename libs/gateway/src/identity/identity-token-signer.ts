import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** The `typ` header of identity tokens, so they can never pass as access tokens or the reverse. */
export const IDENTITY_TOKEN_TYPE = 'mortise-identity+jwt';

/** What an upstream learns about the caller; the language-neutral contract is in the README. */
export interface IdentityClaims {
  iss: string;
  /** `ext:<extension>` for extension-owned routes, else the APIService or ReverseProxy name. */
  aud: string;
  sub: string;
  uid: string;
  groups: string[];
  /** Workspace of the request path, if it has one. */
  ws?: string;
  /** Project of the request path, if it has one. */
  prj?: string;
  iat: number;
  exp: number;
}

/** Signs identity tokens. The kernel's implementation uses its rotating signing keys (published at `/oauth/keys`). */
export interface IdentityTokenSigner {
  sign(claims: IdentityClaims): Promise<string>;
}

/** A private key with the `kid` the JWKS publishes it under. */
export interface IdentitySigningKey {
  kid: string;
  algorithm: 'ES256' | 'ES384' | 'EdDSA' | 'RS256';
  privateKey: KeyObject;
}

/** Signs with whatever key the source says is current, so key rotation needs no restart. */
export class JwtIdentityTokenSigner implements IdentityTokenSigner {
  constructor(private readonly currentKey: () => IdentitySigningKey) {}

  async sign(claims: IdentityClaims): Promise<string> {
    const key = this.currentKey();
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: IDENTITY_TOKEN_TYPE })
      .sign(key.privateKey);
  }
}

/** Injection token under which identity provides the kernel's `IdentityTokenSigner` (keys published at `/oauth/keys`). */
export const IDENTITY_TOKEN_SIGNER = Symbol.for('mortise.identity-token-signer');
