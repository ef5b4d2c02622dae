/**
 * The SPA on a different origin than the API: a page served by a second static server (web/dist on another
 * port) calls the API with every method and header the client uses (PUT, PATCH, DELETE, X-Reauth-Token,
 * X-Request-Id). Chromium enforces CORS, so a missing method or header in the preflight fails here.
 */
import type { ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { call, reauthToken, register, sql, stack } from '../support/client.js';
import { freePort, startProcess, stopProcess, waitReady } from '../support/stack.js';
import { describeBrowser, useBrowser } from './browser.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** A plain static server for web/dist: the SPA hosted on its own origin (a CDN, another port). */
async function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = resolve(join(root, (req.url ?? '/').split('?')[0]));
    const file = path.startsWith(root) && existsSync(path) && extname(path) ? path : join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${port}` };
}

interface PageAnswer {
  status: number;
  requestId: string | null;
  body: { code: number; error?: { reason: string } };
}

describeBrowser('the SPA on another origin than the API', () => {
  const browser = useBrowser('cross-origin');
  let spa: { server: Server; origin: string };
  let api: string;
  let apiProc: ChildProcess;

  beforeAll(async () => {
    spa = await serveStatic(resolve('web/dist'));
    const port = await freePort();
    apiProc = startProcess(
      'dist/bundle/main.js',
      { ...stack.env, PORT: String(port), CORS_ORIGINS: spa.origin },
      'api:cors',
    );
    api = `http://127.0.0.1:${port}`;
    await waitReady(`${api}/health/ready`, apiProc);
  }, 60_000);
  afterAll(async () => {
    await stopProcess(apiProc);
    spa.server.close();
  });

  it('answers the preflight with every method and header the API uses', async () => {
    const answer = await fetch(`${api}/v1/users/me`, {
      method: 'OPTIONS',
      headers: {
        origin: spa.origin,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization, content-type, x-reauth-token, x-request-id',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(spa.origin);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toBe(
      'authorization, content-type, x-reauth-token, x-request-id, accept-language',
    );
    expect(answer.headers.get('access-control-max-age')).toBe('600');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a page on the other origin PATCH, PUT and DELETE with X-Reauth-Token and read X-Request-Id', async () => {
    const user = await register();
    const token = user.answer.body.data.token as string;
    const reauth = await reauthToken(token, user.password);
    // A context of its own: the shared one adds X-Forwarded-For to every request, which no real page sends
    // (and which CORS_ORIGINS' preflight rightly does not allow).
    const context = await browser.context.browser()!.newContext();
    const page = await context.newPage();
    await page.goto(`${spa.origin}/index.html`);
    expect(new URL(page.url()).origin).toBe(spa.origin);

    const inPage = (method: string, path: string, body: unknown) =>
      page.evaluate(
        async ({ url, method, token, reauth, body }): Promise<PageAnswer> => {
          const res = await fetch(url, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'x-reauth-token': reauth,
              'x-request-id': 'cross-origin-1',
            },
            body: JSON.stringify(body),
          });
          return {
            status: res.status,
            requestId: res.headers.get('x-request-id'),
            body: (await res.json()) as PageAnswer['body'],
          };
        },
        { url: `${api}${path}`, method, token, reauth, body },
      );

    const patched = await inPage('PATCH', '/v1/users/me', { nickname: '跨域' });
    expect(patched).toMatchObject({ status: 200, requestId: 'cross-origin-1' });
    const newPassword = 'a different long passphrase 77';
    const changed = await inPage('PUT', '/v1/users/me/password', {
      old_password: user.password,
      password: newPassword,
    });
    expect(changed.status).toBe(200);
    const deleted = await inPage('DELETE', '/v1/users/me', { password: newPassword });
    expect(deleted.status).toBe(200);
    await context.close();

    expect(await sql('SELECT id FROM users WHERE username = $1', [user.username])).toEqual([]);
    expect((await call('GET', '/v1/users/me', undefined, { token })).status).toBe(401);
  });

  it('is refused by the browser from an origin not in CORS_ORIGINS', async () => {
    const context = await browser.context.browser()!.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.fakes.weibo}/`).catch(() => undefined);
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'DELETE', headers: { 'x-reauth-token': 'x' } });
        return 'answered';
      } catch {
        return 'blocked';
      }
    }, `${api}/v1/users/me`);
    await context.close();
    expect(outcome).toBe('blocked');
  });
});
