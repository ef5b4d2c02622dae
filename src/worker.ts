import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from './config/config.js';
import { prepareRuntime } from './infra/runtime.js';
import { exitOnConfigError } from './process.js';
import { WorkerModule } from './worker.module.js';

/** The queue worker process: an application context (no HTTP server) running the queue consumers. */
async function main(): Promise<void> {
  const runtime = await prepareRuntime(loadConfig(), { database: false });
  const app = await NestFactory.createApplicationContext(WorkerModule.register(runtime.config));
  app.enableShutdownHooks();
  new Logger('Worker').log('queue consumers running (sms)');
  process.once('beforeExit', () => void runtime.stop());
}

main().catch(exitOnConfigError);
