import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  FaultQueue,
  badRequest,
  jsonBody,
  notFound,
  optString,
  sendHtml500,
  sendJson,
  startHttp,
  times,
  type FakeRequest,
  type RunningFake,
} from './http.js';
import { checkAuth, parseSendBody, shanghaiStamp, statusMsg, type SendBody } from './ronglian-rules.js';

export const RONGLIAN_DEFAULTS = {
  accountSid: 'fake_account_sid',
  authToken: 'fake_auth_token',
  appId: 'fake_app_id',
  templateId: '1',
  noticeTemplateId: '2',
} as const;

export interface RonglianFakeOptions {
  port?: number;
  /** AccountSid -> AuthToken */
  accounts?: Record<string, string>;
  appIds?: string[];
}

export interface RonglianMessage {
  to: string;
  appId: string;
  templateId: string;
  datas: string[];
  reqId?: string;
  smsMessageSid: string;
  receivedAt: string;
}

const FAULT_MODES = ['transient', 'permanent', 'http500', 'hang', 'accept_then_hang', 'slow'] as const;
type FaultMode = (typeof FAULT_MODES)[number];
interface RonglianFault {
  mode: FaultMode;
  statusCode?: string;
  /** `slow`: answer normally after this many milliseconds. */
  delayMs?: number;
}

const SEND_PATH = /^\/2013-12-26\/Accounts\/([^/]+)\/SMS\/TemplateSMS$/;

class RonglianState {
  messages: RonglianMessage[] = [];
  byTo = new Map<string, RonglianMessage[]>();
  // "<sid>|<Shanghai day>|<reqId>": reqIds are unique per account per calendar day (docs/providers/ronglian.md, "Request").
  reqIds = new Set<string>();
  faults = new FaultQueue<RonglianFault>();
  requests = 0;
  accepted = 0;

  record(body: SendBody, now: number): string {
    const smsMessageSid = randomBytes(16).toString('hex');
    const receivedAt = new Date(now).toISOString();
    for (const to of body.numbers) {
      const { appId, templateId, datas, reqId } = body;
      const message = { to, appId, templateId, datas, reqId, smsMessageSid, receivedAt };
      this.messages.push(message);
      const list = this.byTo.get(to);
      if (list) list.push(message);
      else this.byTo.set(to, [message]);
    }
    this.accepted += 1;
    return smsMessageSid;
  }

  reset(): void {
    this.messages = [];
    this.byTo.clear();
    this.reqIds.clear();
    this.faults.clear();
    this.requests = 0;
    this.accepted = 0;
  }
}

export async function startRonglianFake(options: RonglianFakeOptions = {}): Promise<RunningFake> {
  const accounts = options.accounts ?? { [RONGLIAN_DEFAULTS.accountSid]: RONGLIAN_DEFAULTS.authToken };
  const appIds = new Set(options.appIds ?? [RONGLIAN_DEFAULTS.appId]);
  const state = new RonglianState();
  return startHttp(options.port ?? 0, (req, res) => {
    const send = req.method === 'POST' ? SEND_PATH.exec(req.path) : null;
    if (send) return handleSend({ req, res, sid: decodeURIComponent(send[1]), state, accounts, appIds });
    return handleControl(req, res, state);
  });
}

interface SendContext {
  req: FakeRequest;
  res: ServerResponse;
  sid: string;
  state: RonglianState;
  accounts: Record<string, string>;
  appIds: ReadonlySet<string>;
}

function handleSend({ req, res, sid, state, accounts, appIds }: SendContext): void {
  state.requests += 1;
  const now = Date.now();
  const authError = checkAuth({ sid, sig: req.query.get('sig'), headers: req.headers, accounts, now });
  if (authError) return businessError(res, authError);
  const body = parseSendBody(req.body, appIds);
  if (typeof body === 'string') return businessError(res, body);
  const reqKey = body.reqId ? `${sid}|${shanghaiStamp(now).slice(0, 8)}|${body.reqId}` : undefined;
  const duplicate = reqKey !== undefined && state.reqIds.has(reqKey);
  const accept = (): string => {
    if (reqKey) state.reqIds.add(reqKey);
    return state.record(body, now);
  };
  // Faults hit well-formed, correctly signed requests only, so a test's next real send trips them.
  const fault = state.faults.take();
  if (fault?.mode === 'slow') {
    setTimeout(
      () => (duplicate ? businessError(res, '160054') : sendAccepted(res, accept(), now)),
      fault.delayMs ?? 500,
    );
    return;
  }
  if (fault) return applyFault(res, fault, duplicate ? undefined : accept);
  if (duplicate) return businessError(res, '160054');
  sendAccepted(res, accept(), now);
}

function sendAccepted(res: ServerResponse, smsMessageSid: string, now: number): void {
  sendJson(res, 200, { statusCode: '000000', templateSMS: { dateCreated: shanghaiStamp(now), smsMessageSid } });
}

function applyFault(res: ServerResponse, fault: RonglianFault, accept?: () => string): void {
  switch (fault.mode) {
    case 'transient':
      return businessError(res, fault.statusCode ?? '160000');
    case 'permanent':
      return businessError(res, fault.statusCode ?? '160040');
    case 'http500':
      return sendHtml500(res);
    case 'accept_then_hang':
      accept?.(); // a lost response: the SMS went out but the client never hears back
      return;
    case 'hang':
    case 'slow':
      return;
  }
}

// Business errors are HTTP 200 with a JSON body (docs/providers/ronglian.md, "Answers").
function businessError(res: ServerResponse, statusCode: string): void {
  sendJson(res, 200, { statusCode, statusMsg: statusMsg(statusCode) });
}

function handleControl(req: FakeRequest, res: ServerResponse, state: RonglianState): void {
  switch (`${req.method} ${req.path}`) {
    case 'GET /_fake/messages': {
      const to = req.query.get('to');
      return sendJson(res, 200, { messages: to ? (state.byTo.get(to) ?? []) : state.messages });
    }
    case 'POST /_fake/faults':
      return addFault(req, res, state);
    case 'POST /_fake/reset':
      state.reset();
      return sendJson(res, 200, { ok: true });
    case 'GET /_fake/stats': {
      const { requests, accepted, messages } = state;
      return sendJson(res, 200, {
        requests,
        accepted,
        messages: messages.length,
        pendingFaults: state.faults.pending(),
      });
    }
    default:
      return notFound(res, req);
  }
}

function addFault(req: FakeRequest, res: ServerResponse, state: RonglianState): void {
  const body = jsonBody(req);
  const mode = FAULT_MODES.find((m) => m === body.mode);
  if (!mode) return badRequest(res, `mode must be one of ${FAULT_MODES.join(', ')}`);
  const delayMs = typeof body.delayMs === 'number' ? body.delayMs : undefined;
  state.faults.add({ mode, statusCode: optString(body.statusCode), delayMs }, times(body.times));
  sendJson(res, 200, { ok: true, pending: state.faults.pending() });
}
