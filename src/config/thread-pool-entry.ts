/**
 * The CommonJS entry of each bundle (scripts/bundle.mjs): sizes libuv's thread pool from the configuration,
 * then loads the ES module bundle of the same name (main.js → main.mjs). It has to come first: libuv fixes
 * the pool's size on its first use, and Node reads an ES module entry through that pool, so an ES module
 * cannot size it for itself (docs/abuse.md, "Thread pool").
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config.js';

try {
  process.env.UV_THREADPOOL_SIZE = String(loadConfig().hashing.threadPoolSize);
} catch {
  // An invalid configuration is reported by the application itself, every problem named.
}
void import(pathToFileURL(__filename.replace(/\.js$/, '.mjs')).href);
