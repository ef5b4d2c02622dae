import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export interface RunningFake {
  url: string;
  close(): Promise<void>;
}

export type JsonObject = Record<string, unknown>;

const JSON_TYPE = 'application/json;charset=UTF-8';

/** Loopback by default; `npm run fakes -- --host=0.0.0.0` (docker-compose) makes them reachable from other hosts. */
export const bind = { host: '127.0.0.1' };

export async function startHttp(port: number, handler: Handler): Promise<RunningFake> {
  const server = createServer((raw, res) => void dispatch(raw, res, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind.host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${actual}`, close: () => closeServer(server) };
}

async function dispatch(raw: IncomingMessage, res: ServerResponse, handler: Handler): Promise<void> {
  try {
    const body = await readBody(raw);
    const url = new URL(raw.url ?? '/', 'http://fake.local');
    const req = {
      method: raw.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: raw.headers,
      body,
    };
    await handler(req, res);
  } catch (err) {
    if (!res.headersSent) sendJson(res, 500, { error: 'fake_internal_error', message: String(err) });
  }
}

function readBody(raw: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    raw.on('error', reject);
  });
}

// closeAllConnections also destroys sockets held open by "hang" faults.
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = JSON_TYPE): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain;charset=UTF-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendHtml500(res: ServerResponse): void {
  sendText(res, 500, '<html><body><h1>500 Internal Server Error</h1></body></html>', 'text/html');
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}

export function notFound(res: ServerResponse, req: FakeRequest): void {
  sendJson(res, 404, { error: 'not_found', path: req.path });
}

export function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: 'bad_request', message });
}

/** Control-endpoint body: a JSON object, or {} when empty or malformed. */
export function jsonBody(req: FakeRequest): JsonObject {
  try {
    const parsed: unknown = JSON.parse(req.body || '{}');
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Query string merged with a form-urlencoded body (body wins). */
export function formParams(req: FakeRequest): URLSearchParams {
  const merged = new URLSearchParams(req.query);
  const type = req.headers['content-type'] ?? '';
  if (req.body && type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(req.body)) merged.set(key, value);
  }
  return merged;
}

export function optString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

export function times(value: unknown): number {
  return typeof value === 'number' && value > 0 ? Math.floor(value) : 1;
}

/** Faults queued by /_fake/faults; each one is used `times` times, oldest first. */
export class FaultQueue<F> {
  private items: { fault: F; left: number }[] = [];

  add(fault: F, count: number): void {
    this.items.push({ fault, left: count });
  }

  take(match: (fault: F) => boolean = () => true): F | undefined {
    const index = this.items.findIndex((item) => match(item.fault));
    if (index < 0) return undefined;
    const item = this.items[index];
    item.left -= 1;
    if (item.left <= 0) this.items.splice(index, 1);
    return item.fault;
  }

  pending(): number {
    return this.items.reduce((sum, item) => sum + item.left, 0);
  }

  clear(): void {
    this.items = [];
  }
}
