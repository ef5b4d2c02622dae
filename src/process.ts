import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ConfigError } from './config/env-reader.js';

/** A bad configuration stops the start with the variable named; anything else with its stack. */
export function exitOnConfigError(err: unknown): never {
  const logger = new Logger('Startup');
  if (err instanceof ConfigError) logger.error(err.message);
  else logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
}

const SHUTDOWN_DEADLINE_MS = 25_000;

/** Runs `shutdown` once on SIGTERM or SIGINT, then exits; a second signal, or the deadline, exits at once. */
export function onShutdownSignal(shutdown: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        new Logger('Shutdown').error(err instanceof Error ? err.message : String(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

/**
 * Stops accepting connections and waits for the requests in flight. Keep-alive connections that become idle
 * once their last answer is sent are closed as they go idle, so clients are not held for the keep-alive timeout.
 */
export async function closeHttpGracefully(fastify: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => fastify.server.closeIdleConnections(), 100);
  try {
    await fastify.close();
  } finally {
    clearInterval(sweep);
  }
}
