import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';

/**
 * Builds the API on Fastify (chosen for per-request cost: see README, Performance). Used by main.ts and the
 * tests, so both run the same wiring.
 */
export async function createHttpApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Trust exactly TRUST_PROXY hops of X-Forwarded-For (same as proxy-addr's numeric form).
    trustProxy: (_address: string, hop: number) => hop < config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger: loggerLevels(config.logLevel),
    bufferLogs: false,
  });
  app.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
  app.enableShutdownHooks();
  setupDocs(app);
  return app;
}

function setupDocs(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('nest-auth-cn')
    .setDescription('Accounts, SMS codes, tokens, Weibo and WeChat sign-in. Envelope: {code, data} / {code, error}.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}

function loggerLevels(level: AppConfig['logLevel']) {
  const all = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
  const from = { debug: 1, info: 2, warn: 3, error: 4 }[level];
  return all.slice(from) as unknown as Array<(typeof all)[number]>;
}
