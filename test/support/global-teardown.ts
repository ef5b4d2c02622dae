import { stopProcess, type Stack } from './stack.js';

export default async function teardown(): Promise<void> {
  const stack = (globalThis as { __stack?: Stack }).__stack;
  await Promise.all((stack?.children ?? []).reverse().map((child) => stopProcess(child)));
}
