import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  InjectConfig,
  InjectIdentity,
  InjectLogger,
  InjectMetrics,
  InjectResources,
  type CounterMetric,
  type ExtensionCaller,
  type ExtensionIdentity,
  type ExtensionLogger,
  type ExtensionMetrics,
  type ResourceClient,
} from '@mortise/sdk';
import {
  ANNOUNCEMENT,
  type Announcement,
  type AnnouncementsConfig,
  type BroadcastInput,
  type Inbox,
  type Severity,
} from './announcement.js';

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const ACK_ATTEMPTS = 5;

function isActive(a: Announcement, now: number): boolean {
  return a.spec.expiresAt === undefined || Date.parse(a.spec.expiresAt) > now;
}

/** The announcements of one project, as its members see them. The caller comes first in every call. */
@Injectable()
export class AnnouncementsService {
  private readonly published: CounterMetric<'severity'>;
  private readonly acknowledged: CounterMetric;

  constructor(
    @InjectResources() private readonly resources: ResourceClient,
    @InjectConfig() private readonly config: AnnouncementsConfig,
    @InjectIdentity() private readonly identity: ExtensionIdentity,
    @InjectLogger() private readonly logger: ExtensionLogger,
    @InjectMetrics() metrics: ExtensionMetrics,
  ) {
    this.published = metrics.counter({
      name: 'published_total',
      help: 'Announcements published.',
      labelNames: ['severity'],
    });
    this.acknowledged = metrics.counter({ name: 'acknowledged_total', help: 'Acknowledgements recorded.' });
  }

  async inbox(caller: ExtensionCaller, project: string): Promise<Inbox> {
    const now = Date.now();
    const [list, canPublish] = await Promise.all([
      this.resources.list<Announcement>(ANNOUNCEMENT, { scope: { project } }),
      caller.can('create', 'broadcasts'),
    ]);
    const items = list.items
      .filter((a) => isActive(a, now))
      .sort((a, b) => SEVERITY_ORDER[a.spec.severity] - SEVERITY_ORDER[b.spec.severity])
      .map((a) => ({
        name: a.metadata.name,
        title: a.spec.title,
        ...(a.spec.body !== undefined ? { body: a.spec.body } : {}),
        severity: a.spec.severity,
        ...(a.spec.expiresAt !== undefined ? { expiresAt: a.spec.expiresAt } : {}),
        acknowledged: (a.status?.acknowledgedBy ?? []).includes(caller.user.username),
      }));
    return { kind: 'Inbox', project, servedBy: this.identity.version, canPublish, items };
  }

  async broadcast(caller: ExtensionCaller, project: string, input: BroadcastInput): Promise<Announcement> {
    const active = (await this.resources.list<Announcement>(ANNOUNCEMENT, { scope: { project } })).items.filter((a) =>
      isActive(a, Date.now()),
    );
    if (active.length >= this.config.maxActivePerProject) {
      throw new ConflictError(
        `project "${project}" already has ${active.length} active announcements (maxActivePerProject); delete or let one expire first`,
      );
    }
    const ttlHours = input.ttlHours ?? this.config.defaultTtlHours;
    const created = await this.resources.create<Announcement>({
      apiVersion: `${this.identity.group}/${this.identity.apiVersion}`,
      kind: ANNOUNCEMENT,
      metadata: {
        name: `announcement-${randomBytes(4).toString('hex')}`,
        namespace: project,
        annotations: { 'announcements.samples.mortise.io/author': caller.user.username },
      },
      spec: {
        title: input.title.trim(),
        ...(input.body !== undefined ? { body: input.body } : {}),
        severity: input.severity ?? 'info',
        expiresAt: new Date(Date.now() + ttlHours * 3_600_000).toISOString(),
      },
    });
    this.published.inc({ severity: created.spec.severity });
    this.logger.info({ project, name: created.metadata.name, author: caller.user.username }, 'announcement published');
    return created;
  }

  /** Records that the caller read the announcement; idempotent, retried on concurrent acknowledgements. */
  async acknowledge(caller: ExtensionCaller, project: string, name: string): Promise<Announcement> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.resources.get<Announcement>(ANNOUNCEMENT, name, { project });
      const readers = current.status?.acknowledgedBy ?? [];
      if (readers.includes(caller.user.username)) return current;
      try {
        const updated = await this.resources.updateStatus<Announcement>({
          ...current,
          status: { ...current.status, acknowledgedBy: [...readers, caller.user.username] },
        });
        this.acknowledged.inc();
        return updated;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= ACK_ATTEMPTS) throw err;
      }
    }
  }
}
