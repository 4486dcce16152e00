import { createHash, randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  ConflictError,
  EXTENSIONS_GROUP,
  IAM_GROUP,
  NotFoundError,
  type ExtensionCredential,
  type OAuthClient,
} from '@mortise/api';
import { deleteIfExists, getIfExists, type ObjectRef, type ResourceStore } from '@mortise/store';
import {
  EXTENSION_CREDENTIAL_KIND,
  EXTENSION_LABEL,
  OAUTH_CLIENT_KIND,
  credentialClientIdOf,
  serviceIdentityOf,
} from './install-plan-names.js';
import { SecretSealer } from './secret-sealer.js';

/** What a platform admin reads (or gets from a rotation): the one place the plaintext secret is shown. */
export interface ExtensionCredentialView {
  apiVersion: string;
  kind: 'ExtensionCredential';
  metadata: { name: string };
  status: {
    /** The identity the client's tokens stand for: `ext:<name>`. */
    username: string;
    clientId: string;
    clientSecret: string;
    /** When this secret was made (install or last rotation). */
    issuedAt: string;
  };
}

/** Tokens of extension clients live one hour; the service asks again with its secret. */
const ACCESS_TOKEN_TTL_SECONDS = 3600;

function credentialRef(extension: string): ObjectRef {
  return { ...EXTENSION_CREDENTIAL_KIND, name: extension };
}

function clientRef(extension: string): ObjectRef {
  return { ...OAUTH_CLIENT_KIND, name: credentialClientIdOf(extension) };
}

/**
 * The credential of an installed service extension's identity `ext:<name>`:
 * an OAuth client (`ext-<name>`, `client_credentials`, acting as
 * `ext:<name>`) whose secret identity stores only as a hash (the internal
 * OAuthClient), and the same secret sealed in the internal
 * ExtensionCredential so platform admins can read it again. The sealed copy
 * is the source of truth; the client is derived from it, so a crash between
 * the two writes is repaired by the next `ensure`.
 */
export class ExtensionCredentials {
  constructor(
    private readonly store: ResourceStore,
    private readonly sealer = new SecretSealer(store),
  ) {}

  /** Makes the credential exist, keeping the current secret (install, upgrade, re-apply). */
  async ensure(extension: string): Promise<void> {
    if (!(await getIfExists(this.store, credentialRef(extension)))) {
      const { credential } = await this.sealedCredential(extension);
      await this.store.create(credential).catch((err: unknown) => {
        if (!(err instanceof AlreadyExistsError)) throw err;
      });
    }
    await this.syncClient(extension);
  }

  /** The client id and plaintext secret; NotFound unless the extension is an installed service extension. */
  async read(extension: string): Promise<ExtensionCredentialView> {
    const credential = await this.existing(extension);
    return this.viewOf(extension, credential, await this.sealer.open(credential.spec.secret));
  }

  /**
   * A new secret: the old one is refused at once and the tokens obtained with
   * it stop working. Two rotations at the same moment: one gets a Conflict.
   */
  async rotate(extension: string): Promise<ExtensionCredentialView> {
    const current = await this.existing(extension);
    const { credential, secret } = await this.sealedCredential(extension);
    credential.metadata = { ...credential.metadata, resourceVersion: current.metadata.resourceVersion ?? '' };
    const stored = (await this.store.update(credential)) as ExtensionCredential;
    await this.syncClient(extension);
    return this.viewOf(extension, stored, secret);
  }

  /** Deletes the client (ending every token it got) and the sealed secret. */
  async remove(extension: string): Promise<void> {
    for (const ref of [clientRef(extension), credentialRef(extension)]) await deleteIfExists(this.store, ref);
  }

  /**
   * Brings the client in line with the sealed credential. The client is read
   * before the credential and written with its resourceVersion, so a rotation
   * in between makes this pass conflict and look again instead of restoring
   * the old secret.
   */
  private async syncClient(extension: string): Promise<void> {
    for (;;) {
      const client = await getIfExists<OAuthClient>(this.store, clientRef(extension));
      const credential = await getIfExists<ExtensionCredential>(this.store, credentialRef(extension));
      if (!credential) {
        if (client) await this.remove(extension);
        return;
      }
      if (client?.spec.secretId === credential.spec.secretId) return;
      const desired = this.clientOf(extension, credential, await this.sealer.open(credential.spec.secret));
      try {
        if (client) {
          desired.metadata.resourceVersion = client.metadata.resourceVersion ?? '';
          await this.store.update(desired);
        } else await this.store.create(desired);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof AlreadyExistsError || err instanceof NotFoundError)) {
          throw err;
        }
      }
    }
  }

  private async existing(extension: string): Promise<ExtensionCredential> {
    const credential = await getIfExists<ExtensionCredential>(this.store, credentialRef(extension));
    if (credential) return credential;
    throw new NotFoundError(`extension "${extension}" has no credential: only installed service extensions get one`, {
      name: extension,
      kind: 'ExtensionCredential',
    });
  }

  private async sealedCredential(extension: string): Promise<{ credential: ExtensionCredential; secret: string }> {
    const secret = randomBytes(32).toString('base64url');
    const credential: ExtensionCredential = {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'ExtensionCredential',
      metadata: { name: extension, labels: { [EXTENSION_LABEL]: extension } },
      spec: {
        clientId: credentialClientIdOf(extension),
        secret: await this.sealer.seal(secret),
        secretId: randomBytes(8).toString('hex'),
        issuedAt: new Date().toISOString(),
      },
    };
    return { credential, secret };
  }

  private clientOf(extension: string, credential: ExtensionCredential, secret: string): OAuthClient {
    return {
      apiVersion: `${IAM_GROUP}/v1`,
      kind: 'OAuthClient',
      metadata: { name: credential.spec.clientId, labels: { [EXTENSION_LABEL]: extension } },
      spec: {
        actAs: serviceIdentityOf(extension),
        secretHash: `sha256:${createHash('sha256').update(secret).digest('hex')}`,
        secretId: credential.spec.secretId,
        accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
      },
    };
  }

  private viewOf(extension: string, credential: ExtensionCredential, secret: string): ExtensionCredentialView {
    return {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'ExtensionCredential',
      metadata: { name: extension },
      status: {
        username: serviceIdentityOf(extension),
        clientId: credential.spec.clientId,
        clientSecret: secret,
        issuedAt: credential.spec.issuedAt,
      },
    };
  }
}
