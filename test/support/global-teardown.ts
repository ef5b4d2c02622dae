import { rmSync } from 'node:fs';
import { E2E_API_LOG, E2E_DATABASE_NAME, E2E_STATE_FILE } from './e2e-env.js';
import { dropDatabase, stopProcess, type Stack } from './stack.js';

export default async function teardown(): Promise<void> {
  const stack = (globalThis as { __stack?: Stack }).__stack;
  await Promise.all((stack?.children ?? []).reverse().map((child) => stopProcess(child)));
  await (globalThis as { __topologyStop?: () => Promise<void> }).__topologyStop?.();
  if (stack?.databaseUrl) await dropDatabase(E2E_DATABASE_NAME);
  rmSync(E2E_STATE_FILE, { force: true });
  rmSync(E2E_API_LOG, { force: true });
}
