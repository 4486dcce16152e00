import { Inject, Module, type DynamicModule, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { fastifyCookie } from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { ControllerHost } from '@mortise/api';
import {
  ADMISSION,
  CONTROLLER_HOST,
  REQUEST_PIPELINE,
  RESOURCE_STORE,
  type AdmissionChain,
  type RequestPipeline,
} from '@mortise/apiserver';
import type { ResourceStore } from '@mortise/store';
import type { FastifyInstance } from 'fastify';
import { bootstrapAdmin, type AdminBootstrapOptions } from '../admin-bootstrap.js';
import type { IamConfig } from '../iam-config.js';
import { apiKeyAdmission, userAdmission } from '../identity-admission.js';
import { Identity } from '../identity.js';
import { OAuthController } from './oauth.controller.js';
import { PasswordGrantGuard } from './password-grant.guard.js';
import { PasswordGrantStrategy } from './password-grant.strategy.js';
import { RATE_LIMIT_FACTORY, TokenRateLimitGuard, type RateLimitFactory } from './token-rate-limit.guard.js';
import { UserCredentialsController } from './user-credentials.controller.js';
import { WellKnownController } from './well-known.controller.js';

export interface IamModuleOptions {
  config?: Partial<IamConfig>;
  /** First-start admin; `false` skips it (tests that create their own users). */
  admin?: AdminBootstrapOptions | false;
}

/** Paths identity serves without a login: they authenticate the client or the token in the body, or are public keys. */
export const IAM_PUBLIC_PATHS = [
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/logout',
  '/oauth/keys',
  '/.well-known/openid-configuration',
] as const;

const IAM_MODULE_OPTIONS = Symbol('iam.module-options');
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Identity for the kernel: starts the services, plugs the authenticators into
 * the request pipeline, declares the public OAuth paths and serves `/oauth/*`,
 * discovery and the users' credential subresources.
 */
@Module({})
export class IamModule implements OnModuleInit, OnModuleDestroy {
  static forRoot(options: IamModuleOptions = {}): DynamicModule {
    return {
      module: IamModule,
      imports: [PassportModule],
      controllers: [OAuthController, WellKnownController, UserCredentialsController],
      providers: [
        { provide: IAM_MODULE_OPTIONS, useValue: options },
        {
          provide: Identity,
          useFactory: (store: ResourceStore) => new Identity(store, options.config),
          inject: [RESOURCE_STORE],
        },
        {
          provide: RATE_LIMIT_FACTORY,
          useFactory: (host: HttpAdapterHost) => () => host.httpAdapter.getInstance<RateLimitFactory>(),
          inject: [HttpAdapterHost],
        },
        PasswordGrantStrategy,
        PasswordGrantGuard,
        TokenRateLimitGuard,
      ],
      exports: [Identity],
    };
  }

  constructor(
    private readonly identity: Identity,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_PIPELINE) private readonly pipeline: RequestPipeline,
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(ADMISSION) private readonly admission: AdmissionChain,
    @Inject(IAM_MODULE_OPTIONS) private readonly options: IamModuleOptions,
    @Inject(CONTROLLER_HOST) private readonly controllers: ControllerHost,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.identity.start();
    // Decisions on passwords, unlocks, login records and API keys come from the kernel's authorizer.
    this.identity.access.useAuthorizer(() => this.pipeline.currentAuthorizer);
    for (const authenticator of this.identity.authenticators) this.pipeline.useAuthenticator(authenticator);
    this.pipeline.publicRoutes.addExact(...IAM_PUBLIC_PATHS);
    this.pipeline.requireAuthentication();
    this.admission.use(userAdmission(this.identity), apiKeyAdmission(this.identity));
    for (const controller of this.identity.controllers) this.controllers.register(controller);
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!app.hasContentTypeParser(FORM_TYPE)) {
      app.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }
    // Queued, not awaited: awaiting a plugin inside Nest's init loads the root context early and
    // loses the error handler Nest installs afterwards. Both load before the kernel listens.
    void app.register(rateLimit, { global: false });
    // Loads the cookie codec `serialize` uses for Set-Cookie; no hook, the authenticator reads its one cookie itself.
    if (!app.hasDecorator('serializeCookie')) void app.register(fastifyCookie, { hook: false });
    if (this.options.admin !== false) await bootstrapAdmin(this.store, this.identity.users, this.options.admin);
  }

  onModuleDestroy(): void {
    this.identity.stop();
  }
}
