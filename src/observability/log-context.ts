import { AsyncLocalStorage } from 'node:async_hooks';

/** The current request's id, so every log line written while serving it carries it. */
export const logContext = new AsyncLocalStorage<{ reqId: string }>();
