import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config/config.js';
import { createHttpApp } from './http-app.js';
import { prepareRuntime } from './infra/runtime.js';
import { exitOnConfigError } from './process.js';

async function main(): Promise<void> {
  const runtime = await prepareRuntime(loadConfig(), { database: true });
  const app = await createHttpApp(runtime.config);
  app.getHttpAdapter().getInstance().addHook('onClose', async () => runtime.stop());
  await app.listen(runtime.config.port, runtime.config.host);
  new Logger('Main').log(`API listening on ${await app.getUrl()} (docs at /docs)`);
}

main().catch(exitOnConfigError);
