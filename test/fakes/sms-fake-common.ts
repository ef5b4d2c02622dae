/** What the Alibaba and Tencent fakes share: recorded messages, faults, per-number frequency limits. */
import type { ServerResponse } from 'node:http';
import { FaultQueue, jsonBody, optString, sendHtml500, sendJson, times, type FakeRequest } from './http.js';

export interface SmsFakeMessage {
  /** 11 national digits, whatever form the request used. */
  to: string;
  signName: string;
  template: string;
  /** Template variables by name (`code`) or position (`1`, `2`). */
  params: Record<string, string>;
  /** Our request id as the provider echoes it: Alibaba `OutId`, Tencent `SessionContext`. */
  ref: string;
  /** `【SignName】text` */
  text: string;
  messageId: string;
  receivedAt: string;
}

export const FAULT_MODES = ['transient', 'permanent', 'code', 'http500', 'hang', 'accept_then_hang', 'slow'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface SmsFault {
  mode: FaultMode;
  /** `code` mode: the error code to answer (`transient`/`permanent` have defaults). */
  code?: string;
  /** Tencent: `response` (Response.Error) or `status` (the number's entry). */
  where?: 'response' | 'status';
  /** http500 / hang: deliver the message first, then fail to answer (a lost response). */
  accept?: boolean;
  delayMs?: number;
  /** Only for this national number. */
  to?: string;
}

/** Per-number frequency knobs (0 = off), like the consoles' 发送频率 settings. */
export interface SmsLimits {
  cooldownMs: number;
  hourlyCap: number;
  dailyCap: number;
}

export type LimitHit = 'cooldown' | 'hourly' | 'daily' | undefined;

export class SmsFakeState {
  messages: SmsFakeMessage[] = [];
  faults = new FaultQueue<SmsFault>();
  limits: SmsLimits = { cooldownMs: 0, hourlyCap: 0, dailyCap: 0 };
  requests = 0;
  accepted = 0;

  record(message: SmsFakeMessage): void {
    this.messages.push(message);
    this.accepted += 1;
  }

  limitHit(to: string, now: number): LimitHit {
    const times = this.messages.filter((m) => m.to === to).map((m) => Date.parse(m.receivedAt));
    const within = (ms: number) => times.filter((t) => now - t < ms).length;
    const { cooldownMs, hourlyCap, dailyCap } = this.limits;
    if (cooldownMs && within(cooldownMs) > 0) return 'cooldown';
    if (hourlyCap && within(3600_000) >= hourlyCap) return 'hourly';
    if (dailyCap && within(86400_000) >= dailyCap) return 'daily';
    return undefined;
  }

  reset(): void {
    this.messages = [];
    this.faults.clear();
    this.limits = { cooldownMs: 0, hourlyCap: 0, dailyCap: 0 };
    this.requests = 0;
    this.accepted = 0;
  }
}

export function nationalDigits(number: string): string {
  return number.replace(/^(\+86|0086|86|\+)/, '');
}

export const MAINLAND = /^(\+86|0086|86|\+)?1[3-9]\d{9}$/;

/** Fills `${name}` (Alibaba) or `{n}` (Tencent) placeholders. */
export function render(template: string, params: Record<string, string>): string {
  return template.replace(/\$?\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}

/** Answers a fault that is not a provider error code; returns false when the fault is an error code. */
export function applyTransportFault(res: ServerResponse, fault: SmsFault, deliver: () => void): boolean {
  switch (fault.mode) {
    case 'http500':
      if (fault.accept) deliver();
      sendHtml500(res);
      return true;
    case 'hang':
    case 'accept_then_hang':
      if (fault.accept || fault.mode === 'accept_then_hang') deliver(); // the SMS went out; the answer never comes
      return true;
    default:
      return false;
  }
}

/** /_fake/messages, /_fake/faults, /_fake/limits, /_fake/reset, /_fake/stats. */
export function handleControl(req: FakeRequest, res: ServerResponse, state: SmsFakeState): boolean {
  switch (`${req.method} ${req.path}`) {
    case 'GET /_fake/messages': {
      const to = req.query.get('to');
      const messages = to ? state.messages.filter((m) => m.to === nationalDigits(to)) : state.messages;
      sendJson(res, 200, { messages });
      return true;
    }
    case 'POST /_fake/faults':
      return addFault(req, res, state);
    case 'POST /_fake/limits': {
      const body = jsonBody(req);
      const num = (v: unknown) => (typeof v === 'number' && v >= 0 ? v : 0);
      state.limits = { cooldownMs: num(body.cooldownMs), hourlyCap: num(body.hourlyCap), dailyCap: num(body.dailyCap) };
      sendJson(res, 200, { ok: true, limits: state.limits });
      return true;
    }
    case 'POST /_fake/reset':
      state.reset();
      sendJson(res, 200, { ok: true });
      return true;
    case 'GET /_fake/stats': {
      const { requests, accepted, messages } = state;
      sendJson(res, 200, { requests, accepted, messages: messages.length, pendingFaults: state.faults.pending() });
      return true;
    }
    default:
      return false;
  }
}

function addFault(req: FakeRequest, res: ServerResponse, state: SmsFakeState): boolean {
  const body = jsonBody(req);
  const mode = FAULT_MODES.find((m) => m === body.mode);
  if (!mode) {
    sendJson(res, 400, { error: 'bad_request', message: `mode must be one of ${FAULT_MODES.join(', ')}` });
    return true;
  }
  const where = body.where === 'response' || body.where === 'status' ? body.where : undefined;
  const fault: SmsFault = {
    mode,
    code: optString(body.code),
    where,
    accept: body.accept === true,
    delayMs: typeof body.delayMs === 'number' ? body.delayMs : undefined,
    to: optString(body.to),
  };
  state.faults.add(fault, times(body.times));
  sendJson(res, 200, { ok: true, pending: state.faults.pending() });
  return true;
}
