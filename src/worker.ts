import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from './config/config.js';
import { startWorkerEndpoint } from './health/worker-endpoint.js';
import { prepareRuntime } from './infra/runtime.js';
import { createRootLogger, PinoNestLogger } from './observability/logger.js';
import { exitOnConfigError, onShutdownSignal } from './process.js';
import { WorkerModule } from './worker.module.js';

/** The queue worker process: the queue consumers, plus its own small health and metrics server. */
async function main(): Promise<void> {
  const runtime = await prepareRuntime(loadConfig(), { database: false });
  const app = await NestFactory.createApplicationContext(WorkerModule.register(runtime.config), {
    logger: new PinoNestLogger(createRootLogger(runtime.config, 'worker')),
  });
  const endpoint = await startWorkerEndpoint(app, runtime.config);
  const logger = new Logger('Worker');
  logger.log(`queue consumers running (sms, mail${runtime.config.databaseUrl ? ', maintenance' : ''})`);
  // Graceful: Bull stops taking jobs and waits for the active ones; the rest stay queued for the next worker.
  onShutdownSignal(async (signal) => {
    logger.log(`${signal}: finishing active jobs`);
    endpoint?.close();
    await app.close();
    await runtime.stop();
  });
}

main().catch(exitOnConfigError);
