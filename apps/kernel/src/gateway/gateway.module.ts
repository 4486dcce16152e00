import { generateKeyPairSync } from 'node:crypto';
import {
  Inject,
  Module,
  type DynamicModule,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import {
  type ApiGroupRegistry,
  type Authorizer,
  type ControllerHost,
  type GroupDispatcherRegistry,
} from '@mortise/api';
import { CONTROLLER_HOST, LOGGER, REQUEST_PIPELINE, RESOURCE_STORE, type RequestPipeline } from '@mortise/apiserver';
import {
  Gateway,
  GatewayCatalog,
  IDENTITY_TOKEN_SIGNER,
  IdentityTokenIssuer,
  JwtIdentityTokenSigner,
  registerGatewayRoutes,
  type ExtensionFiles,
  type IdentityTokenSigner,
} from '@mortise/gateway';
import { Identity } from '@mortise/iam';
import type { Logger } from '@mortise/observability';
import type { ResourceStore } from '@mortise/store';

/** The issuer identity tokens name until identity configures the kernel's own. */
export const DEFAULT_IDENTITY_ISSUER = 'mortise';

/**
 * Wires the gateway into the kernel: its routes on the root Fastify
 * instance after the pipeline, APIService groups claimed in the kernel's
 * group registry, menus judged by the pipeline's authorizer, and the catalog
 * following the store. Identity tokens are signed with identity's keys (or an
 * `IDENTITY_TOKEN_SIGNER` provided instead); with identity off, by a key that
 * lives as long as the process (upstreams cannot verify those against
 * `/oauth/keys`, and the kernel says so).
 */
/** What the kernel shares with the gateway beyond the common tokens. */
export interface GatewayWiring {
  groups: ApiGroupRegistry;
  /** The pipeline's group dispatch: APIService groups are served through it. */
  dispatchers: GroupDispatcherRegistry;
  /** Where installed packages' files are, for `file` JSBundles (the kernel: the runtime's package directories). */
  files?: ExtensionFiles;
}

const GATEWAY_WIRING = Symbol.for('mortise.gateway-wiring');

@Module({})
export class GatewayModule implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private gateway: Gateway | undefined;
  private catalog: GatewayCatalog | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(GATEWAY_WIRING) private readonly wiring: GatewayWiring,
    @Inject(REQUEST_PIPELINE) private readonly pipeline: RequestPipeline,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONTROLLER_HOST) private readonly controllers: ControllerHost,
    @Optional() @Inject(IDENTITY_TOKEN_SIGNER) private readonly signer?: IdentityTokenSigner & { issuer?: string },
  ) {}

  static forRoot(wiring: GatewayWiring): DynamicModule {
    return { module: GatewayModule, providers: [{ provide: GATEWAY_WIRING, useValue: wiring }] };
  }

  async onModuleInit(): Promise<void> {
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const pipeline = this.pipeline;
    // Menus ask whatever authorizer the pipeline has when they are asked, like requests do.
    const authorizer: Authorizer = {
      authorize: (caller, info) =>
        pipeline.currentAuthorizer?.authorize(caller, info) ?? { allowed: true, reason: 'no authorizer configured' },
    };
    this.gateway = new Gateway({
      groups: this.wiring.groups,
      dispatchers: this.wiring.dispatchers,
      authorizer,
      identity: this.identityTokens(),
      ...(this.wiring.files ? { extensionFiles: this.wiring.files } : {}),
    });
    registerGatewayRoutes(app, this.gateway, { publicRoutes: pipeline.publicRoutes });
    this.catalog = new GatewayCatalog(this.store, this.gateway, {
      onError: (err, context) => this.logger.warn({ err }, `gateway: ${context}`),
      // Every replica routes; the leader alone writes the objects' status.
      writesStatus: () => this.controllers.election.isLeader(),
    });
    await this.catalog.start();
  }

  /** Before the server closes: stop following the store and end tunnels (the server would wait for them). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.catalog?.stop();
    this.gateway?.dispatch.closeTunnels();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.gateway?.close();
  }

  /**
   * Signed with identity's current key (published at `/oauth/keys`, rotating
   * without a restart) under its issuer; an explicitly provided signer wins.
   */
  private identityTokens(): IdentityTokenIssuer {
    if (this.signer) {
      return new IdentityTokenIssuer(this.signer, { issuer: this.signer.issuer ?? DEFAULT_IDENTITY_ISSUER });
    }
    const identity = this.findIdentity();
    if (identity) {
      return new IdentityTokenIssuer(
        new JwtIdentityTokenSigner(() => identity.keys.signingKey()),
        // Read per token: the kernel sets the issuer once it knows its address.
        { issuer: () => identity.config.issuer },
      );
    }
    return new IdentityTokenIssuer(this.ephemeralSigner(), { issuer: DEFAULT_IDENTITY_ISSUER });
  }

  private findIdentity(): Identity | undefined {
    try {
      return this.moduleRef.get(Identity, { strict: false });
    } catch {
      return undefined;
    }
  }

  private ephemeralSigner(): IdentityTokenSigner {
    this.logger.warn(
      'gateway: no identity token signer is configured; identity tokens are signed with a per-process key that upstreams cannot verify',
    );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new JwtIdentityTokenSigner(() => ({ kid: 'ephemeral', algorithm: 'ES256', privateKey }));
  }
}
