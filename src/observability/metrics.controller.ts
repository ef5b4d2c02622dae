import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { fail } from '../common/errors/index.js';
import { AppConfig } from '../config/config.js';
import { metricsAccess } from './metrics-access.js';
import { Metrics } from './metrics.js';

/** Prometheus text format, behind METRICS_TOKEN (docs/operations.md). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const access = metricsAccess(this.config, authorization);
    if (access === 'off') throw fail('route_not_found');
    if (access === 'unauthorized') throw fail('invalid_token');
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
