import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { BadRequestError, IAM_GROUP } from '@mortise/api';
import { AuditLog } from '../audit/audit-log.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { RbacAuthorizer } from '../rbac-authorizer.js';
import type { PipelineRequest } from './pipeline-request.js';

function timeParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (Number.isNaN(Date.parse(value))) throw new BadRequestError(`${name} must be an RFC 3339 time, got "${value}"`);
  return value;
}

/**
 * `GET /kapis/iam.mortise.io/v1/auditevents?since=&until=&user=&limit=`:
 * newest first. Platform admins see everything; someone allowed only within
 * some workspaces or projects sees only the events there. The events are
 * this replica's; `metadata.replica` names it.
 */
@Controller('kapis/iam.mortise.io/v1')
export class AuditEventsController {
  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(RbacAuthorizer) private readonly authz: RbacAuthorizer,
  ) {}

  @Get('auditevents')
  async list(
    @Req() request: PipelineRequest,
    @Query() query: Record<string, string | undefined>,
  ): Promise<{ apiVersion: string; kind: string; metadata: { replica?: string }; items: AuditEvent[] }> {
    const limit = query.limit === undefined ? undefined : Number(query.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
      throw new BadRequestError(`limit must be a positive integer, got "${query.limit}"`);
    }
    const since = timeParam('since', query.since);
    const until = timeParam('until', query.until);
    let items = await this.audit.query({
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(query.user ? { user: query.user } : {}),
      ...(limit ? { limit } : {}),
    });
    if (request.decision?.filtered) {
      const caller = request.caller;
      items = items.filter((event) =>
        this.authz.mayGet(caller, IAM_GROUP, 'auditevents', {
          metadata: { name: '', workspace: event.workspace || '', namespace: event.project || undefined },
        }),
      );
    }
    // Each replica answers from its own log; `metadata.replica` says whose (see the README on replicas).
    const metadata = this.audit.replica !== undefined ? { replica: this.audit.replica } : {};
    return { apiVersion: `${IAM_GROUP}/v1`, kind: 'AuditEventList', metadata, items };
  }
}
