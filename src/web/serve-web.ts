import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spaContentSecurityPolicy } from '../common/security-headers.js';
import type { AppConfig } from '../config/config.js';

/**
 * Serves the built SPA (web/, `npm run web:build`) from WEB_DIR on the API's own origin, so the Weibo
 * callback and activation pages work with no second server. One route per file that exists at start
 * (no wildcard), so /v1, /health, /docs, /metrics and /admin, and the API's 404/405 answers, are untouched.
 */
export async function serveWeb(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const root = resolve(config.webDir);
  const logger = new Logger('Web');
  if (!existsSync(resolve(root, 'index.html'))) {
    logger.log(`no SPA at ${root} (build it with npm run web:build); serving the API only`);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    decorateReply: false, // the queue dashboard registers @fastify/static too
    setHeaders: (reply: { header(name: string, value: string): unknown }, path: string) => {
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (path.endsWith('.html')) reply.header('content-security-policy', spaContentSecurityPolicy);
    },
  });
  logger.log(`serving the SPA from ${root}`);
}
