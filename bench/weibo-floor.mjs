// The floor of the Weibo callback for a bound user: bare node:http doing the same three provider calls to the
// same fake Weibo with the same client (fetch: the code exchange, then token info and profile in parallel)
// and one database read (the identity's user), then answering.
import { createServer } from 'node:http';
import pg from 'pg';

const [port, apiBase, clientId, clientSecret, redirectUri, databaseUrl] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });

async function call(method, path, form, headers = {}) {
  const response = await fetch(`${apiBase}${path}`, {
    method,
    headers: { accept: 'application/json', ...headers },
    body: form ? new URLSearchParams(form) : undefined,
  });
  const body = JSON.parse(await response.text());
  if (body.error_code !== undefined) throw new Error(`weibo ${path}: ${body.error_code}`);
  return body;
}

async function callback(code) {
  const form = {
    client_id: clientId,
    client_secret: clientSecret,
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  };
  const token = await call('POST', '/oauth2/access_token', form);
  const query = new URLSearchParams({ access_token: token.access_token, uid: token.uid });
  const [, user] = await Promise.all([
    call('POST', '/oauth2/get_token_info', { access_token: token.access_token }),
    call('GET', `/2/users/show.json?${query}`, undefined, { authorization: `OAuth2 ${token.access_token}` }),
  ]);
  const { rows } = await pool.query(
    `SELECT u.id, u.username FROM identities i JOIN users u ON u.id = i.user_id
      WHERE i.provider = 'weibo' AND i.provider_uid = $1`,
    [String(token.uid)],
  );
  return { user: rows[0], screen_name: user.screen_name };
}

createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return void res.writeHead(200).end();
  callback(url.searchParams.get('code') ?? '').then(
    (data) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 200, data })),
    () => res.writeHead(502).end(),
  );
}).listen(Number(port), '127.0.0.1');
