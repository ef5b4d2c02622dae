import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientGoneSignal } from './client-gone.js';

describe('clientGoneSignal', () => {
  let server: Server;
  let signals: AbortSignal[];
  let answer: boolean;

  beforeEach(async () => {
    signals = [];
    server = createServer((req, res) => {
      signals.push(clientGoneSignal(res));
      req.resume();
      if (answer) res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const port = () => (server.address() as AddressInfo).port;

  it('aborts when the client disconnects before the answer', async () => {
    answer = false;
    const req = request({ port: port(), method: 'POST', headers: { 'content-length': 2 } });
    req.on('error', () => undefined);
    req.end('{}');
    while (!signals.length) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signals[0].aborted).toBe(false);
    req.destroy();
    await once(signals[0], 'abort');
    expect(signals[0].aborted).toBe(true);
  });

  it('stays quiet for an answered request', async () => {
    answer = true;
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request({ port: port(), agent: false }, resolve).end(),
    );
    res.resume();
    await once(res, 'end');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signals[0].aborted).toBe(false);
  });
});
