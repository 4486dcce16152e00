import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { ControllerHost, KindRegistry } from '@mortise/api';
import {
  ADMISSION,
  CONTROLLER_HOST,
  KIND_REGISTRY,
  LOGGER,
  REQUEST_PIPELINE,
  RESOURCE_STORE,
  type AdmissionChain,
  type RequestPipeline,
} from '@mortise/apiserver';
import {
  AccessReviewController,
  AccessReviewer,
  AuditEventsController,
  AuditLog,
  EscalationGuard,
  RbacAdmission,
  RbacAuthorizer,
  RbacIndex,
  RbacIndexFeed,
  auditEventOf,
  isAudited,
} from '@mortise/authz';
import type { Logger } from '@mortise/observability';
import type { ResourceStore } from '@mortise/store';
import { BuiltinRoleProtection } from './builtin-role-protection.js';
import { BuiltinRoleStamper } from './builtin-role-stamper.js';
import { GroupMembershipGuard } from './group-membership-guard.js';
import { MembersController } from './http/members.controller.js';
import { MembersService } from './members.service.js';
import { bootstrapPlatformRoles } from './platform-bootstrap.js';
import { ProjectLifecycle } from './project-lifecycle.js';
import { RoleAggregationController } from './role-aggregation.controller.js';
import { TenancyCleanup } from './tenancy-cleanup.js';
import { WorkspaceLifecycle } from './workspace-lifecycle.js';

export interface AccessControlOptions {
  /** Directory of the audit log (`audit.log` and its rotations), usually `<dataDir>/audit`. */
  auditDir: string;
  auditMaxBytes?: number;
  auditMaxFiles?: number;
  /** This replica's name, stamped on its audit events and audit query answers. */
  replica?: string;
  /** Users bound to platform-admin at every start; default `admin`. */
  admins?: readonly string[];
}

const OPTIONS = Symbol.for('mortise.access-control.options');

/** Starts authorization: follows the store, installs the authorizer, admission plugins and audit, creates built-in roles. */
@Injectable()
class AccessControlStartup implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(OPTIONS) private readonly options: AccessControlOptions,
    @Inject(RESOURCE_STORE) private readonly store: ResourceStore,
    @Inject(REQUEST_PIPELINE) private readonly pipeline: RequestPipeline,
    @Inject(ADMISSION) private readonly admission: AdmissionChain,
    @Inject(RbacIndex) private readonly index: RbacIndex,
    @Inject(RbacIndexFeed) private readonly feed: RbacIndexFeed,
    @Inject(RbacAuthorizer) private readonly authz: RbacAuthorizer,
    @Inject(EscalationGuard) private readonly guard: EscalationGuard,
    @Inject(BuiltinRoleStamper) private readonly stamper: BuiltinRoleStamper,
    @Inject(TenancyCleanup) private readonly cleanup: TenancyCleanup,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(CONTROLLER_HOST) private readonly controllers: ControllerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.feed.start();
    this.admission.use(
      new BuiltinRoleProtection(),
      new GroupMembershipGuard(this.authz),
      new RbacAdmission(this.index, this.guard),
      new WorkspaceLifecycle(this.store, this.stamper, this.index, this.cleanup),
      new ProjectLifecycle(this.store, this.stamper, this.index, this.cleanup),
    );
    this.pipeline.useAuthorizer(this.authz);
    this.pipeline.observe((done) => {
      if (!done.info || !isAudited(done.info, done.statusCode)) return;
      const decision = done.decision;
      // A 403 after an allowed decision came from admission (escalation, protection), not from the decision.
      const reason =
        decision && !decision.allowed
          ? decision.reason
          : done.statusCode === 403
            ? 'refused by admission after authorization'
            : decision?.reason;
      this.audit.record(
        auditEventOf({
          caller: done.caller,
          info: done.info,
          code: done.statusCode,
          sourceIP: done.sourceIp,
          requestId: done.requestId,
          ...(reason ? { reason } : {}),
        }),
      );
    });
    await bootstrapPlatformRoles(this.store, this.stamper, this.index, this.options.admins ?? ['admin']);
    await this.cleanup.resume();
    this.controllers.register(
      new RoleAggregationController(this.store, this.stamper, (err) =>
        this.logger.warn({ reason: (err as Error).message }, 'role aggregation: watch broke; relisting'),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }
}

/**
 * Workspaces, projects, roles and the authorization that follows from
 * them: the RBAC authorizer (default deny) on every request, admission for
 * tenancy and escalation, the members, access-review and audit APIs.
 */
@Module({})
export class AccessControlModule {
  static forRoot(options: AccessControlOptions): DynamicModule {
    return {
      module: AccessControlModule,
      controllers: [MembersController, AccessReviewController, AuditEventsController],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: RbacIndex, useValue: new RbacIndex() },
        {
          provide: RbacAuthorizer,
          inject: [RbacIndex, KIND_REGISTRY],
          useFactory: (index: RbacIndex, kinds: KindRegistry) =>
            new RbacAuthorizer(index, {
              kindScope: (group, plural) => kinds.list().find((k) => k.group === group && k.plural === plural)?.scope,
            }),
        },
        {
          provide: EscalationGuard,
          inject: [RbacAuthorizer],
          useFactory: (authz: RbacAuthorizer) => new EscalationGuard(authz),
        },
        {
          provide: RbacIndexFeed,
          inject: [RESOURCE_STORE, RbacIndex, LOGGER],
          useFactory: (store: ResourceStore, index: RbacIndex, logger: Logger) =>
            new RbacIndexFeed(store, index, (err) => logger.warn({ err }, 'authorization watch broke; relisting')),
        },
        {
          provide: BuiltinRoleStamper,
          inject: [RESOURCE_STORE],
          useFactory: (store: ResourceStore) => new BuiltinRoleStamper(store),
        },
        {
          provide: TenancyCleanup,
          inject: [RESOURCE_STORE, KIND_REGISTRY, RbacIndex],
          useFactory: (store: ResourceStore, kinds: KindRegistry, index: RbacIndex) =>
            new TenancyCleanup(store, kinds, (removed) => index.apply('DELETED', removed)),
        },
        {
          provide: MembersService,
          inject: [RESOURCE_STORE, RbacIndex, EscalationGuard],
          useFactory: (store: ResourceStore, index: RbacIndex, guard: EscalationGuard) =>
            new MembersService(store, index, guard),
        },
        {
          provide: AccessReviewer,
          inject: [RbacAuthorizer, KIND_REGISTRY, RbacIndex],
          useFactory: (authz: RbacAuthorizer, kinds: KindRegistry, index: RbacIndex) =>
            new AccessReviewer(
              authz,
              kinds,
              // An installed extension's service identity `ext:<name>` has no User object; it exists while bound.
              (username) =>
                index.hasUser(username) || (username.startsWith('ext:') && index.grantsFor(username, []).length > 0),
            ),
        },
        {
          provide: AuditLog,
          inject: [LOGGER],
          useFactory: (logger: Logger) =>
            new AuditLog({
              dir: options.auditDir,
              ...(options.auditMaxBytes !== undefined ? { maxBytes: options.auditMaxBytes } : {}),
              ...(options.auditMaxFiles !== undefined ? { maxFiles: options.auditMaxFiles } : {}),
              log: (event) => logger.info({ audit: event }, 'audit'),
              ...(options.replica !== undefined ? { replica: options.replica } : {}),
            }),
        },
        AccessControlStartup,
      ],
      exports: [RbacAuthorizer, RbacIndex, MembersService, AuditLog],
    };
  }
}
