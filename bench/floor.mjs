// The floor of GET /v1/users/me: a bare node:http server doing by hand what that route costs at minimum:
// verify the same JWT (KeyObject secret), one Redis GET, one PostgreSQL primary-key SELECT.
import { createServer } from 'node:http';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Redis } from 'ioredis';
import pg from 'pg';

const [port, secret, redisUrl, databaseUrl] = process.argv.slice(2);
const key = createSecretKey(Buffer.from(secret));
const redis = new Redis(redisUrl, { enableAutoPipelining: true });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });

createServer((req, res) => {
  if (req.url === '/health') return void res.writeHead(200).end();
  const token = (req.headers.authorization ?? '').slice(7);
  let claims;
  try {
    claims = jwt.verify(token, key, { algorithms: ['HS256'] });
  } catch {
    res.writeHead(401).end();
    return;
  }
  Promise.all([
    redis.get(`cache:profile:v2:${claims.sub}`),
    pool.query('SELECT id, username, phone, email FROM users WHERE id = $1', [claims.sub]),
  ])
    .then(([, result]) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 200, data: result.rows[0] }));
    })
    .catch(() => res.writeHead(500).end());
}).listen(Number(port), '127.0.0.1');
