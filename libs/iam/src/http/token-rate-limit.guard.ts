import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { TooManyRequestsError } from '@mortise/api';
import type { FastifyRequest } from 'fastify';
import { Identity } from '../identity.js';
import { oauthBody } from './oauth-request.js';

type Limiter = (request: FastifyRequest) => Promise<{ isExceeded?: boolean; ttlInSeconds?: number }>;

/** What `@fastify/rate-limit` decorates the instance with. */
export interface RateLimitFactory {
  createRateLimit(options: {
    max: number;
    timeWindow: number;
    keyGenerator: (request: FastifyRequest) => string;
    allowList?: (request: FastifyRequest, key: string) => boolean;
  }): Limiter;
}

export const RATE_LIMIT_FACTORY = Symbol('iam.rate-limit-factory');

/**
 * Limits `/oauth/token` per source IP and per submitted username, before any
 * password is hashed, so a flood of logins cannot occupy the CPU. Over the
 * limit: 429 with Retry-After.
 */
@Injectable()
export class TokenRateLimitGuard implements CanActivate {
  private limiters: Limiter[] | undefined;

  constructor(
    private readonly identity: Identity,
    @Inject(RATE_LIMIT_FACTORY) private readonly factory: () => RateLimitFactory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    for (const limiter of this.limitersOnce()) {
      const result = await limiter(request);
      if (result.isExceeded) {
        throw new TooManyRequestsError('too many token requests; slow down', {
          retryAfterSeconds: result.ttlInSeconds ?? 1,
        });
      }
    }
    return true;
  }

  private limitersOnce(): Limiter[] {
    if (this.limiters) return this.limiters;
    const { perIp, perUsername } = this.identity.config.rateLimit;
    const factory = this.factory();
    this.limiters = [
      factory.createRateLimit({
        max: perIp.max,
        timeWindow: perIp.windowSeconds * 1000,
        keyGenerator: (r) => `ip:${r.ip}`,
      }),
      factory.createRateLimit({
        max: perUsername.max,
        timeWindow: perUsername.windowSeconds * 1000,
        keyGenerator: (r) => `user:${(oauthBody(r.body).username ?? '').toLowerCase()}`,
        // Grants without a username (refresh, client credentials) are limited per IP only.
        allowList: (_r, key) => key === 'user:',
      }),
    ];
    return this.limiters;
  }
}
