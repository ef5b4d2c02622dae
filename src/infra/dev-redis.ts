import { spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { Logger } from '@nestjs/common';

const logger = new Logger('Redis');

/** True when something answers a TCP connection at the Redis URL within a short timeout. */
export function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolveFn) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolveFn(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

/**
 * Development only: when no Redis answers and `redis-server` is installed, run a private, memory-only one
 * on a free port for the life of this process. Otherwise fail with instructions.
 */
export async function ensureRedis(url: string, allowSpawn: boolean): Promise<{ url: string; stop: () => void }> {
  if (await redisAnswers(url)) return { url, stop: () => undefined };
  const hasBinary = spawnSync('redis-server', ['--version']).status === 0;
  if (!allowSpawn || !hasBinary) {
    throw new Error(
      `Redis does not answer at ${url}. Start one (apt-get install redis-server && redis-server --daemonize yes, ` +
        'or docker compose up redis) or set REDIS_URL.',
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const spawnedUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(spawnedUrl, 100)); i++) await new Promise((r) => setTimeout(r, 50));
  logger.warn(`No Redis at ${url}: started a private redis-server at ${spawnedUrl} (data is not kept).`);
  return { url: spawnedUrl, stop: () => child.kill() };
}

function freePort(): Promise<number> {
  return new Promise((resolveFn, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolveFn(port));
    });
  });
}
