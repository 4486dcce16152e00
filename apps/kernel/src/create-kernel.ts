import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule, Type } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import {
  ControllerHost,
  KindRegistry,
  ApiGroupRegistry,
  GroupDispatcherRegistry,
  type Authenticator,
  type Authorizer,
  type KindDefinition,
} from '@mortise/api';
import { ExtensionRuntime, registerDevloadRoutes } from '@mortise/runtime';
import {
  AdmissionChain,
  KERNEL_PUBLIC_PATHS,
  OpenWatches,
  RequestPipeline,
  ResourceRest,
  auditObserver,
  fastifyServerOptions,
  metricsObserver,
  registerResourceRoutes,
  sendErrorStatus,
  type ResourceValidatorFactory,
} from '@mortise/apiserver';
import { KernelMetrics, ReadinessRegistry, createLogger, type Logger } from '@mortise/observability';
import type { ResourceStore } from '@mortise/store';
import { DEFAULT_CONFIG, type KernelConfig } from './config/kernel-config.schema.js';
import { KernelModule } from './kernel.module.js';
import { registerBackupRoutes } from './http/backup.routes.js';
import { findConsoleFiles, registerConsoleRoutes } from './http/console.routes.js';
import type { KernelServices } from './kernel-services.js';
import { NestLogger } from './nest-logger.js';
import { openStore } from './open-store.js';
import { openLeaderElection, replicaIdentity } from './leader-election.js';
import { StatusExceptionFilter } from './http/status-exception.filter.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { registerKernelKinds, compileResourceValidator } from '@mortise/api';
import { IamModule, Identity, type IamConfig, type IamModuleOptions } from '@mortise/iam';
import { AccessControlModule, type AccessControlOptions } from '@mortise/tenancy';
import { join } from 'node:path';
import { DigestRoutedPackages, Registry, type PackageSource } from '@mortise/registry';
import { wireInstallPlans, type InstallPlans } from './registry/install-plans.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { KERNEL_VERSION } from './kernel-version.js';
import { sampleExtensionDirectories } from './sample-extensions.js';
import { warmUpFirstInstall, warmUpOnFirstUse } from './first-install-warm-up.js';

export interface KernelOptions {
  /** Over the in-process defaults: port 0 on 127.0.0.1, memory store, logs silent unless MORTISE_LOG_LEVEL says otherwise. */
  config?: Partial<KernelConfig>;
  /** Use this store instead of opening the configured one; the caller keeps ownership (it is not closed). */
  store?: ResourceStore;
  /** Kinds to serve besides the kernel's own. */
  kinds?: KindDefinition[];
  /** Credential strategies, asked in order. */
  authenticators?: Authenticator[];
  /** Decides every non-public request. Without one the API is not authorized, and the kernel says so at start. */
  authorizer?: Authorizer;
  /** Nest feature modules; they may inject the kernel tokens (REQUEST_PIPELINE, RESOURCE_STORE, ...). */
  modules?: Array<Type | DynamicModule>;
  logger?: Logger;
  /** Interval of BOOKMARK events for watches that ask for them. */
  watchBookmarkIntervalMs?: number;
  /** Checks objects against their kind's schema; defaults to the schemas in `@mortise/api`. */
  validatorFor?: ResourceValidatorFactory;
  /**
   * Identity (users, tokens, API keys; every non-public route then needs a
   * credential). On by default, with the first admin's password from
   * `MORTISE_ADMIN_PASSWORD`; `false` only for tests of the bare pipeline.
   */
  identity?: IamModuleOptions | false;
  /**
   * Tenancy and authorization (RBAC, default deny, audit). On by default with
   * identity, the audit log in `<dataDir>/audit` and `admin` bound to
   * platform-admin; `false` (or identity off, or an `authorizer` given) leaves it out.
   */
  accessControl?: Partial<AccessControlOptions> | false;
  /**
   * The web console's built files, served at `/` behind every API path;
   * default: the built `@mortise/console` package when there is one. `false` serves none.
   */
  consoleDir?: string | false;
  /** Where InstallPlans get packages; default: ExtensionVersions pointing at unpacked local directories. */
  packages?: PackageSource;
  /** The kernel version extensions' `kernel` ranges are checked against; default this kernel's. */
  kernelVersion?: string;
  /** Warm the first install up in the background on the first request for the extensions API (default true; false to measure without it). */
  warmUpFirstInstall?: boolean;
}

export interface RouteEntry {
  method: string;
  url: string;
}

export interface Kernel extends KernelServices {
  /** `http://host:port` the kernel listens on. */
  url: string;
  config: KernelConfig;
  /** The root Fastify instance every route and pipeline hook lives on. */
  app: FastifyInstance;
  nest: NestFastifyApplication;
  /** Watches being streamed now; shutdown ends them. */
  watches: OpenWatches;
  /** The API groups and who owns each: the kernel, an in-process extension, a remote APIService. */
  groups: ApiGroupRegistry;
  /** Backends of groups the kernel does not serve itself; the pipeline hands their requests on. */
  dispatchers: GroupDispatcherRegistry;
  /** In-process extensions: install, upgrade, disable, uninstall while running. */
  extensions: ExtensionRuntime;
  /** This replica's name in the leader election and on its audit events. */
  replica: string;
  /** InstallPlans: the controller, this kernel's runtime follower, per-workspace enablement. */
  installPlans: InstallPlans;
  /** Extension registry: trust policy, package store, marketplace, repository sync. */
  registry: Registry;
  /** Starts the first-install warm-up unless the first request for the extensions API already did; settles when it has run. */
  warmUp(): Promise<void>;
  /** Every route registered on the root instance, Nest's and Fastify's, for route-wide security tests. */
  routes(): RouteEntry[];
  /** Graceful stop: refuse new requests, end watches, let in-flight requests finish (bounded), close the store. */
  close(): Promise<void>;
}

const IN_PROCESS_DEFAULTS: Partial<KernelConfig> = {
  port: 0,
  host: '127.0.0.1',
  store: 'memory',
  logLevel: (process.env.MORTISE_LOG_LEVEL as KernelConfig['logLevel'] | undefined) ?? 'silent',
  // In-process kernels (tests) write nothing into a data dir they were not given.
  registry: { localRepository: false },
};

/** Builds, wires and starts a kernel; `main.ts` and the tests both go through here. */
export async function createKernel(options: KernelOptions = {}): Promise<Kernel> {
  const config: KernelConfig = { ...DEFAULT_CONFIG, ...IN_PROCESS_DEFAULTS, ...options.config };
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = new KernelMetrics();
  const readiness = new ReadinessRegistry();
  const groups = new ApiGroupRegistry();
  const kinds = new KindRegistry(groups);
  const dispatchers = new GroupDispatcherRegistry(kinds);
  registerKernelKinds(kinds);
  for (const def of options.kinds ?? []) kinds.register(def);

  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(config, metrics.observeStore));
  readiness.add('store', () => store.ping());
  const replica = replicaIdentity();
  const controllers = new ControllerHost(await openLeaderElection(config, replica, logger), {
    onEvent: ({ type, controller, error }) => {
      if (type === 'failed') logger.error({ controller, reason: (error as Error)?.message }, 'controller failed');
      else logger.info({ replica }, type === 'leading' ? 'leading: controllers start here' : 'no longer leading');
    },
  });
  readiness.add('controllers', () => controllers.assertHealthy());
  metrics.trackControllers(() => controllers.report());
  const registry = await Registry.open({
    store,
    dataDir: config.dataDir,
    kernelVersion: options.kernelVersion ?? KERNEL_VERSION,
    settings: config.registry,
    defaultSeed: sampleExtensionDirectories(),
    onError: (err, context) => logger.warn({ reason: (err as Error).message }, `registry: ${context}`),
  });

  const pipeline = new RequestPipeline({
    authenticators: options.authenticators ?? [],
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    observers: [metricsObserver(metrics), auditObserver(logger)],
    dispatchers,
    logger,
  });
  pipeline.publicRoutes.addExact(...KERNEL_PUBLIC_PATHS.filter((path) => config.metricsPublic || path !== '/metrics'));

  const adapter = new FastifyAdapter(
    fastifyServerOptions({
      logger,
      bodyLimit: config.bodyLimit,
      // Requests for extensions, APIServices and the reverse proxy pass the pipeline before Fastify.
      front: (req, res, next) => pipeline.serveRaw(req, res, next),
    }),
  );
  const app = adapter.getInstance<FastifyInstance>();
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  pipeline.install(app);
  const watches = new OpenWatches();
  const validatorFor = options.validatorFor ?? ((def: KindDefinition) => compileResourceValidator(def));
  const admission = new AdmissionChain();
  const rest = new ResourceRest({ store, kinds, validatorFor, admission });
  // Never on the start-up path, nor in an idle kernel: the first request for the extensions API starts it.
  const warmUp =
    options.warmUpFirstInstall === false
      ? { start: () => Promise.resolve() }
      : warmUpOnFirstUse(pipeline, () => warmUpFirstInstall(rest, kinds, logger));
  const extensions = new ExtensionRuntime({
    groups,
    kinds,
    dispatchers,
    store,
    // Extensions' own checks go through the pipeline's one decision point.
    authorizer: { authorize: (caller, info) => pipeline.decide(caller, info) },
    validatorFor,
    metrics: metrics.registry,
    logger: logger,
    drainTimeoutMs: config.shutdownTimeoutSeconds * 1000,
  });
  const installPlans = wireInstallPlans({
    store,
    runtime: extensions,
    admission,
    dispatchers,
    logger,
    controllers,
    // Versions from repositories come verified through the registry's package store; digest-less ones are local directories.
    packages: options.packages ?? new DigestRoutedPackages(registry.packages),
    ...(options.kernelVersion ? { kernelVersion: options.kernelVersion } : {}),
  });
  void app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => sendErrorStatus(request, reply, err));
    if (config.devLoads) registerDevloadRoutes(scope, extensions);
    registerBackupRoutes(scope, store, config.dataDir);
  });
  const consoleDir = options.consoleDir ?? findConsoleFiles();
  if (consoleDir) registerConsoleRoutes(app, consoleDir, pipeline.publicRoutes);
  registerResourceRoutes(app, {
    kinds,
    rest,
    watches,
    authorizer: () => pipeline.currentAuthorizer,
    ...(options.watchBookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: options.watchBookmarkIntervalMs } : {}),
  });

  const nest = await NestFactory.create<NestFastifyApplication>(
    KernelModule.forRoot({ kinds, store, pipeline, admission, readiness, metrics, logger, controllers }, [
      ...identityModule(options.identity, config),
      ...accessControlModule(options, config, replica),
      GatewayModule.forRoot({
        groups,
        dispatchers,
        // Module extensions' files are where the runtime loaded them from; service extensions' where the host unpacked them.
        files: { rootOf: (name) => extensions.directoryOf(name) ?? installPlans.host.serviceDirectoryOf(name) },
      }),
      RegistryModule.forRoot(registry),
      ...(options.modules ?? []),
    ]),
    adapter,
    { bodyParser: false, logger: new NestLogger(logger), abortOnError: false },
  );
  nest.useGlobalFilters(new StatusExceptionFilter());
  await nest.init();
  if (!pipeline.isAuthorized) {
    logger.warn(
      'NO AUTHORIZER IS CONFIGURED: every request that passes authentication is allowed. The API is not authorized; do not expose this kernel.',
    );
  }
  // Installed extensions come back before the kernel serves: a restarted kernel answers their routes at once.
  await installPlans.start();
  for (const directory of config.extensions) {
    // One extension failing to load must not keep the kernel down; its status says why.
    await extensions.install(directory).catch((err: unknown) => {
      logger.error({ directory, reason: (err as Error).message }, 'extension not installed');
    });
  }
  // Controllers registered during init start once this replica leads (at once with sqlite or memory).
  await controllers.start();
  await controllers.settled();
  await nest.listen(config.port, config.host).catch(async (err: unknown) => {
    // Not serving, so not leading either: give the lease up at once.
    await controllers.stop();
    throw err;
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (options.identity !== false && config.publicUrl === '') nest.get(Identity).useIssuer(url);
  readiness.markStarted();
  logger.info({ port, host: config.host, store: config.store }, 'mortise kernel listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      readiness.markStopping();
      // Controllers stop first and the lease is released, so another replica takes over while this one drains.
      await controllers.stop().catch((err: unknown) => {
        logger.warn({ reason: (err as Error).message }, 'controllers did not stop cleanly');
      });
      watches.closeAll();
      const force = setTimeout(() => {
        logger.warn({ timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutdown timeout: closing open connections');
        watches.closeAll();
        app.server.closeAllConnections();
      }, config.shutdownTimeoutSeconds * 1000);
      try {
        await installPlans.stop();
        await nest.close();
        await extensions.close();
      } finally {
        clearTimeout(force);
        if (ownsStore) await store.close();
      }
      logger.info('mortise kernel stopped');
    })();
    return closing;
  };

  return {
    url,
    config,
    app,
    nest,
    watches,
    kinds,
    groups,
    dispatchers,
    extensions,
    installPlans,
    registry,
    store,
    pipeline,
    admission,
    readiness,
    metrics,
    logger,
    controllers,
    replica,
    warmUp: () => warmUp.start(),
    routes: () => [...routes],
    close,
  };
}

function identityModule(options: IamModuleOptions | false | undefined, config: KernelConfig): DynamicModule[] {
  if (options === false) return [];
  const adminPassword = process.env.MORTISE_ADMIN_PASSWORD;
  return [
    IamModule.forRoot({
      ...options,
      config: {
        ...(config.identity as Partial<IamConfig>),
        ...(config.publicUrl !== '' ? { issuer: config.publicUrl } : {}),
        ...options?.config,
      },
      admin: options?.admin ?? (adminPassword ? { password: adminPassword } : {}),
    }),
  ];
}

function accessControlModule(options: KernelOptions, config: KernelConfig, replica: string): DynamicModule[] {
  const settings = options.accessControl;
  // A caller's own authorizer, or no identity (bare pipeline tests), means no default access control.
  if (settings === false || (settings === undefined && (options.identity === false || options.authorizer))) return [];
  return [AccessControlModule.forRoot({ auditDir: join(config.dataDir, 'audit'), replica, ...settings })];
}
