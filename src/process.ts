import { Logger } from '@nestjs/common';
import { ConfigError } from './config/env-reader.js';

/** A bad configuration stops the start with the variable named; anything else with its stack. */
export function exitOnConfigError(err: unknown): never {
  const logger = new Logger('Startup');
  if (err instanceof ConfigError) logger.error(err.message);
  else logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
}
