import argon2 from 'argon2';
import type { IamConfig } from './iam-config.js';

/**
 * argon2id password hashing. `verifyOrBurn` spends the same time whether or
 * not the user exists, so a login cannot tell the two apart by timing.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly cost: IamConfig['argon2']) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.cost });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // a malformed stored hash never authenticates
    }
  }

  /** Verifies against `hash`, or against a throw-away hash of the same cost when there is none. */
  async verifyOrBurn(hash: string | undefined, password: string): Promise<boolean> {
    if (hash !== undefined) return this.verify(hash, password);
    this.dummyHash ??= this.hash('not-a-password-' + Math.random().toString(36));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
