/**
 * Data and operations hygiene: metrics behind METRICS_TOKEN, the worker's own health and metrics endpoint,
 * the queue dashboard's failure limit, CORS preflights, the SPA's CSP, the scheduled purge and the reseal.
 */
import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { closeClients, newIp, redis, register, sql, stack } from '../support/client.js';
import { METRICS_TOKEN, runPurge, startOwn, type Own } from './hygiene-support.js';

jest.setTimeout(60_000);
let own: Own;

beforeAll(async () => {
  own = await startOwn({ ADMIN_MAX_FAILURES: '3', CORS_ORIGINS: 'https://spa.example' });
});
afterAll(async () => {
  await own?.stop();
  await closeClients();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('metrics', () => {
  it('answers /metrics only with the bearer token, with standard Node.js metric names', async () => {
    expect((await fetch(`${own.api}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${own.api}/metrics`, { headers: bearer('not-the-token') });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.reason).toBe('invalid_token');
    const text = await (await fetch(`${own.api}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).not.toMatch(/auth_process_|auth_nodejs_|^auth_jobs_total\{/m);
  });

  it('gives the worker its own health, readiness and job counters', async () => {
    expect(await (await fetch(`${own.worker}/health/live`)).json()).toEqual({ code: 200, data: { status: 'up' } });
    const ready = (await (await fetch(`${own.worker}/health/ready`)).json()) as any;
    expect(ready.data.checks).toEqual({ redis: 'up', redis_policy: 'up', queue: 'up' });
    expect((await fetch(`${own.worker}/metrics`)).status).toBe(401);
    expect((await fetch(`${own.worker}/nothing`)).status).toBe(404);

    const sent = await fetch(`${own.api}/v1/users/sms/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': newIp() },
      body: JSON.stringify({ phone: '13900139011' }),
    });
    expect(sent.status).toBe(200);
    const counted = async () => (await fetch(`${own.worker}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
    let text = '';
    for (let i = 0; i < 100 && !/auth_jobs_total\{queue="sms",outcome="sent"/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await counted();
    }
    expect(text).toMatch(/^auth_jobs_total\{queue="sms",outcome="sent",reason=""\} 1$/m);
    expect(text).toMatch(/^# TYPE auth_jobs_total counter$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('checks Redis eviction policy in the API readiness probe too', async () => {
    const ready = (await (await fetch(`${own.api}/health/ready`)).json()) as any;
    expect(ready.data.checks).toEqual({ database: 'up', redis: 'up', redis_policy: 'up', queue: 'up' });
  });
});

describe('queue dashboard', () => {
  it('answers 429 after ADMIN_MAX_FAILURES wrong credentials from one IP, even to the right one', async () => {
    const ip = newIp();
    const right = `Basic ${Buffer.from(`${stack.env.ADMIN_USER}:${stack.env.ADMIN_PASSWORD}`).toString('base64')}`;
    const wrong = `Basic ${Buffer.from(`${stack.env.ADMIN_USER}:guess`).toString('base64')}`;
    const board = (authorization: string, from = ip) =>
      fetch(`${own.api}/admin/queues`, { headers: { authorization, 'x-forwarded-for': from } });
    for (let i = 0; i < 3; i++) expect((await board(wrong)).status).toBe(401);
    const limited = await board(right);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as any).error.reason).toBe('too_many_login_failures');
    expect(Number(await redis().get(`admin:failures:${ip}`))).toBe(3);
    expect((await board(right, newIp())).status).toBe(200);
  });
});

describe('CORS and the SPA pages', () => {
  it('preflights allow every method and header the API uses, for CORS_ORIGINS only', async () => {
    const preflight = (origin: string) =>
      fetch(`${own.api}/v1/users/me/password`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization,content-type,x-reauth-token,x-request-id',
        },
      });
    const ok = await preflight('https://spa.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://spa.example');
    const methods = (ok.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    const allowed = (ok.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-reauth-token', 'x-request-id']),
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${own.api}/health/live`, { headers: { origin: 'https://spa.example' } });
    expect((simple.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['retry-after', 'x-request-id']),
    );
  });

  it('serves the SPA pages with a script-src self CSP, and the pages have no inline script', async () => {
    const page = await fetch(`${stack.api}/index.html`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await fetch(`${stack.api}/health/live`)).headers.get('content-security-policy')).toBeNull();
    for (const file of readdirSync('web/dist').filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(`web/dist/${file}`, 'utf8');
      for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) expect(`${file}: ${tag}`).toMatch(/ src="/);
      expect(`${file}: ${/<style\b|\sstyle="|\son[a-z]+="/.exec(html)?.[0] ?? 'none'}`).toBe(`${file}: none`);
    }
  });
});

describe('scheduled purge', () => {
  it('deletes expired tokens, old unbound identities and old events in batches, and nothing else', async () => {
    const user = await register();
    const [{ id: userId }] = await sql('SELECT id FROM users WHERE username = $1', [user.username]);
    const token = (expires: string) =>
      sql(
        `INSERT INTO refresh_tokens (user_id, family_id, token_hash, session_started_at, expires_at)
         VALUES ($1, gen_random_uuid(), encode(gen_random_bytes(32), 'hex'), now() - interval '40 days', ${expires})
         RETURNING id`,
        [userId],
      );
    const expired = [...(await token(`now() - interval '1 hour'`)), ...(await token(`now() - interval '9 days'`))];
    const [live] = await token(`now() + interval '1 day'`);
    const identity = (seen: string, owner: string | null) =>
      sql(
        `INSERT INTO identities (provider, provider_uid, user_id, last_login_at, created_at)
         VALUES ('weibo', $1, $2, ${seen}, ${seen}) RETURNING id`,
        [`purge-${randomBytes(6).toString('hex')}`, owner],
      );
    const [staleUnbound] = await identity(`now() - interval '2 days'`, null);
    const [freshUnbound] = await identity(`now() - interval '1 hour'`, null);
    const [oldBound] = await identity(`now() - interval '400 days'`, userId);
    const event = (age: string) =>
      sql(`INSERT INTO security_events (user_id, type, created_at) VALUES ($1, 'signed_in', ${age}) RETURNING id`, [
        userId,
      ]);
    const [oldEvent] = await event(`now() - interval '181 days'`);
    const [recentEvent] = await event(`now() - interval '179 days'`);

    const { report } = await runPurge(own);
    console.log(`purge report (this run, whole test database): ${JSON.stringify(report)}`);
    expect(report.refresh_tokens).toBeGreaterThanOrEqual(2);
    expect(report.identities).toBeGreaterThanOrEqual(1);
    expect(report.security_events).toBeGreaterThanOrEqual(1);

    const left = async (table: string, ids: Array<{ id: string }>) =>
      (await sql(`SELECT id FROM ${table} WHERE id = ANY($1)`, [ids.map((r) => r.id)])).map((r) => r.id).sort();
    expect(await left('refresh_tokens', [...expired, live])).toEqual([live.id]);
    expect(await left('identities', [staleUnbound, freshUnbound, oldBound])).toEqual(
      [freshUnbound.id, oldBound.id].sort(),
    );
    expect(await left('security_events', [oldEvent, recentEvent])).toEqual([recentEvent.id]);
    expect((await runPurge(own)).report).toEqual({ refresh_tokens: 0, identities: 0, security_events: 0 });
    const metrics = await (await fetch(`${own.worker}/metrics`, { headers: bearer(METRICS_TOKEN) })).text();
    expect(metrics).toMatch(/^auth_purged_rows_total\{table="refresh_tokens"\} [1-9]/m);
  });

  it('is scheduled once as a repeatable job however many workers start', async () => {
    const Bull = (await import('bull')).default;
    const queue = new Bull('maintenance', { redis: stack.redisUrl, prefix: `{${own.env.QUEUE_PREFIX}:maintenance}` });
    const repeatable = await queue.getRepeatableJobs();
    await queue.close();
    expect(repeatable.map((j) => [j.name, Number(j.every)])).toEqual([['purge', 3600_000]]);
  });
});

describe('npm run reseal', () => {
  const key = (fill: number) => Buffer.alloc(32, fill);
  const devKey = key(7); // the development key the test stack runs with (src/config/config.ts)
  const newKey = randomBytes(32);
  const seal = (version: number, k: Buffer, text: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k, iv);
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [
      `v${version}`,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      data.toString('base64url'),
    ].join('.');
  };
  const open = (k: Buffer, sealed: string) => {
    const [, iv, tag, data] = sealed.split('.');
    const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  };
  const reseal = async () => {
    const env = {
      ...stack.env,
      ENCRYPTION_KEYS: `1:${devKey.toString('base64')},2:${newKey.toString('base64')}`,
      ENCRYPTION_KEY_VERSION: '2',
      PATH: process.env.PATH ?? '',
    };
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/src/maintenance/reseal.js'], { env });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { resealed: number; unreadable: number };
  };

  it('re-seals every credential under the current key version, so the old key can go', async () => {
    const rows = await Promise.all(
      ['token-a', 'token-b'].map(async (credential) => {
        const [row] = await sql(
          `INSERT INTO identities (provider, provider_uid, credential_enc) VALUES ('weibo', $1, $2) RETURNING id`,
          [`reseal-${randomBytes(6).toString('hex')}`, seal(1, devKey, credential)],
        );
        return { id: row.id as string, credential };
      }),
    );
    const lost = seal(9, randomBytes(32), 'under a removed key');
    const [orphan] = await sql(
      `INSERT INTO identities (provider, provider_uid, credential_enc) VALUES ('weibo', $1, $2) RETURNING id`,
      [`reseal-${randomBytes(6).toString('hex')}`, lost],
    );

    const first = await reseal();
    expect(first.resealed).toBeGreaterThanOrEqual(2);
    expect(first.unreadable).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      const [{ credential_enc: now }] = await sql('SELECT credential_enc FROM identities WHERE id = $1', [row.id]);
      expect(now).toMatch(/^v2\./);
      expect(open(newKey, now)).toBe(row.credential);
    }
    expect(await sql('SELECT credential_enc FROM identities WHERE id = $1', [orphan.id])).toEqual([
      { credential_enc: lost },
    ]);
    expect((await reseal()).resealed).toBe(0);
  });
});
