import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { EnvelopingFastifyAdapter } from './common/envelope.js';
import { renderError } from './common/error-envelope.js';
import { parseJsonBody } from './common/json-body.js';
import { createApiDocument } from './common/openapi/document.js';
import { securityHeaders } from './common/security-headers.js';
import type { AppConfig } from './config/config.js';
import { TrustedProxies } from './limits/trusted-proxies.js';
import { logContext } from './observability/log-context.js';
import { createRootLogger, PinoNestLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { mountQueueBoard } from './observability/queue-board.js';
import { serveWeb } from './web/serve-web.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the API on Fastify (chosen for per-request cost: see README, Performance). */
export async function createHttpApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config, 'api');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createAdapter(config), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonOnly(fastify, config);
  installRequestHooks(fastify, app.get(Metrics), config.logLevel === 'debug' ? logger : null);
  app.enableCors(corsOptions(config));
  await mountQueueBoard(app, config);
  setupDocs(app, config);
  await serveWeb(app, config); // the built SPA (web/) on this origin: README, "Web frontend"
  return app;
}

function createAdapter(config: AppConfig): EnvelopingFastifyAdapter {
  const proxies = new TrustedProxies(config.trustedProxies);
  return new EnvelopingFastifyAdapter({
    // X-Forwarded-For is read only through peers TRUST_PROXY names (a hop count or CIDRs; docs/abuse.md).
    trustProxy: (address: string, hop: number) => proxies.isTrusted(address, hop),
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    // Fastify's own per-request logger is off (a child logger per request is measurable); application lines
    // carry the request id through logContext, and LOG_LEVEL=debug adds one line per answered request.
    logger: false,
    // Errors Fastify raises before routing (bad URL encoding, over-long parameters) get the envelope too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body, headers } = renderError(error, request.headers['accept-language']);
      void reply.code(status).headers(headers).send(body);
    },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
}

/** Every method and request header the API and its client use (docs/api.md, "CORS"), for CORS_ORIGINS only. */
function corsOptions(config: AppConfig) {
  return {
    origin: config.corsOrigins,
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Reauth-Token', 'X-Request-Id', 'Accept-Language'],
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  };
}

/** JSON only: any other Content-Type is a 415 (see json-body.ts for why forms are refused). */
function acceptJsonOnly(fastify: FastifyInstance, config: AppConfig): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: config.bodyLimitBytes },
    (_req, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}

/** Security headers and the request id on every answer; metrics (and a debug line) when it is sent. */
function installRequestHooks(fastify: FastifyInstance, metrics: Metrics, debugLogger: Logger | null): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    logContext.run({ reqId: request.id }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    debugLogger?.debug({ method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    done();
  });
}

function setupDocs(app: NestFastifyApplication, config: AppConfig): void {
  SwaggerModule.setup('docs', app, () => createApiDocument(app, config.publicUrl), { jsonDocumentUrl: 'docs-json' });
}
