import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { ControllerHost } from '@mortise/api';
import { CONTROLLER_HOST, METRICS, READINESS } from '@mortise/apiserver';
import type { KernelMetrics, ReadinessRegistry } from '@mortise/observability';
import type { FastifyReply } from 'fastify';

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS) private readonly readiness: ReadinessRegistry,
    @Inject(METRICS) private readonly metrics: KernelMetrics,
    @Inject(CONTROLLER_HOST) private readonly controllers: ControllerHost,
  ) {}

  /** The process is up and serving HTTP; nothing else is checked. */
  @Get('healthz')
  healthz(): string {
    return 'ok';
  }

  /**
   * Ready to take traffic: every readiness check passes, or 503 with a Status
   * naming the failing ones. `?verbose` answers in text, as Kubernetes'
   * components do: each check, then who leads and each controller's state here.
   */
  @Get('readyz')
  async readyz(@Res() reply: FastifyReply, @Query('verbose') verbose?: string): Promise<void> {
    const report = await this.readiness.check();
    if (verbose !== undefined) {
      const hosted = this.controllers.report();
      const lines = [
        ...report.checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: ${c.message ?? ''}`)),
        `replica ${hosted.identity}: ${hosted.leading ? 'leader' : `follower (leader: ${hosted.leader ?? 'none seen'})`}`,
        ...hosted.controllers.map(
          (c) => `controller ${c.name}: ${c.state}${c.message !== undefined ? ` (${c.message})` : ''}`,
        ),
        report.ready ? 'readyz check passed' : 'readyz check failed',
      ];
      await reply
        .code(report.ready ? 200 : 503)
        .type('text/plain')
        .send(`${lines.join('\n')}\n`);
      return;
    }
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
