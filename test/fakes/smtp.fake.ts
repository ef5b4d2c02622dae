import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import {
  FaultQueue,
  badRequest,
  bind,
  jsonBody,
  notFound,
  sendJson,
  startHttp,
  times,
  type FakeRequest,
  type RunningFake,
} from './http.js';

export interface SmtpFakeOptions {
  smtpPort?: number;
  httpPort?: number;
}

export interface RunningSmtpFake extends RunningFake {
  smtpUrl: string;
}

export interface FakeMail {
  id: string;
  from: string;
  /** Envelope recipients (RCPT TO), not the To header. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
}

class SmtpState {
  mails: FakeMail[] = [];
  tempfails = new FaultQueue<'tempfail'>();
  stats = { received: 0, tempfailed: 0 };

  reset(): void {
    this.mails = [];
    this.tempfails.clear();
    this.stats = { received: 0, tempfailed: 0 };
  }
}

export async function startSmtpFake(options: SmtpFakeOptions = {}): Promise<RunningSmtpFake> {
  const state = new SmtpState();
  const sink = new SmtpSink(state);
  const port = await sink.open(options.smtpPort ?? 0);
  try {
    const http = await startHttp(options.httpPort ?? 0, (req, res) => control(req, res, state, sink));
    const close = async (): Promise<void> => {
      await Promise.all([http.close(), sink.shut()]);
    };
    return { url: http.url, smtpUrl: `smtp://127.0.0.1:${port}`, close };
  } catch (err) {
    await sink.shut();
    throw err;
  }
}

/** The SMTP listener; it can be shut and reopened on the same port to simulate an outage. */
class SmtpSink {
  private server?: SMTPServer;
  private port = 0;

  constructor(private readonly state: SmtpState) {}

  /** Reopens on the last bound port unless told otherwise. */
  async open(port = this.port): Promise<number> {
    if (this.server) return this.port;
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'fake' }),
      onData: (stream, session, callback) =>
        void this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        ),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bind.host, () => resolve());
    });
    server.on('error', () => undefined); // client socket errors must not crash the fake
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  get up(): boolean {
    return this.server !== undefined;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (this.state.tempfails.take()) {
      this.state.stats.tempfailed += 1;
      throw Object.assign(new Error('Requested action aborted: local error in processing (fake tempfail)'), {
        responseCode: 451,
      });
    }
    const parsed = await simpleParser(Buffer.concat(chunks));
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    this.state.mails.push({
      id: randomUUID(),
      from: parsed.from?.text ?? envelopeFrom,
      to: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html || null,
      receivedAt: new Date().toISOString(),
    });
    this.state.stats.received += 1;
  }
}

async function control(req: FakeRequest, res: ServerResponse, state: SmtpState, sink: SmtpSink): Promise<void> {
  switch (`${req.method} ${req.path}`) {
    case 'GET /_fake/mails': {
      const to = req.query.get('to')?.toLowerCase();
      const mails = to ? state.mails.filter((m) => m.to.some((a) => a.toLowerCase() === to)) : state.mails;
      return sendJson(res, 200, { mails });
    }
    case 'DELETE /_fake/mails':
      state.mails = [];
      return sendJson(res, 200, { ok: true });
    case 'POST /_fake/faults':
      return addFault(req, res, state);
    case 'POST /_fake/smtp':
      return setUp(req, res, sink);
    case 'GET /_fake/stats':
      return sendJson(res, 200, { ...state.stats, up: sink.up, pendingFaults: state.tempfails.pending() });
    case 'POST /_fake/reset':
      state.reset();
      await sink.open(); // reopens on the same port if it was shut
      return sendJson(res, 200, { ok: true });
    default:
      return notFound(res, req);
  }
}

function addFault(req: FakeRequest, res: ServerResponse, state: SmtpState): void {
  const body = jsonBody(req);
  if (body.mode !== 'tempfail') return badRequest(res, 'mode must be "tempfail"');
  state.tempfails.add('tempfail', times(body.times));
  sendJson(res, 200, { ok: true, pending: state.tempfails.pending() });
}

async function setUp(req: FakeRequest, res: ServerResponse, sink: SmtpSink): Promise<void> {
  const body = jsonBody(req);
  if (typeof body.up !== 'boolean') return badRequest(res, 'give {up: boolean}');
  if (body.up) await sink.open();
  else await sink.shut();
  sendJson(res, 200, { up: sink.up });
}
