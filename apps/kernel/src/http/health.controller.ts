import { Controller, Get, Inject, Res } from '@nestjs/common';
import { METRICS, READINESS } from '@mortise/apiserver';
import type { KernelMetrics, ReadinessRegistry } from '@mortise/observability';
import type { FastifyReply } from 'fastify';

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
    @Inject(METRICS) private readonly metrics: KernelMetrics,
  ) {}

  /** The process is up and serving HTTP; nothing else is checked. */
  @Get('healthz')
  healthz(): string {
    return 'ok';
  }

  /** Ready to take traffic: every readiness check passes, or 503 with a Status naming the failing ones. */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.readiness.check();
    if (report.ready) {
      await reply.type('text/plain').send('ok');
      return;
    }
    const failing = report.checks.filter((c) => !c.ok);
    await reply
      .code(503)
      .type('application/json')
      .send({
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: `not ready: ${failing.map((c) => `${c.name}: ${c.message ?? 'failed'}`).join('; ')}`,
        reason: 'ServiceUnavailable',
        details: {
          causes: failing.map((c) => ({ reason: 'ReadinessCheckFailed', field: c.name, message: c.message ?? '' })),
        },
        code: 503,
      });
  }

  @Get('metrics')
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.metrics.contentType()).send(await this.metrics.render());
  }
}
