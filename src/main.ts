import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from './config/config.js';
import { createHttpApp } from './http-app.js';
import { prepareRuntime } from './infra/runtime.js';
import { createRootLogger, PinoNestLogger } from './observability/logger.js';
import { closeHttpGracefully, exitOnConfigError, onShutdownSignal } from './process.js';

async function main(): Promise<void> {
  const config = loadConfig();
  Logger.overrideLogger(new PinoNestLogger(createRootLogger(config, 'api'))); // start-up lines are JSON too
  const runtime = await prepareRuntime(config, { database: true });
  const app = await createHttpApp(runtime.config);
  await app.listen(runtime.config.port, runtime.config.host);
  const logger = new Logger('Main');
  logger.log(`API listening on ${await app.getUrl()} (docs at /docs)`);
  // Graceful: stop accepting connections and finish the requests in flight first (Nest's close() would run
  // the modules' destroy hooks, closing the queues, before the HTTP server), then queues, Redis, database.
  onShutdownSignal(async (signal) => {
    logger.log(`${signal}: finishing in-flight requests`);
    await closeHttpGracefully(app.getHttpAdapter().getInstance());
    await app.close();
    await runtime.stop();
  });
}

main().catch(exitOnConfigError);
