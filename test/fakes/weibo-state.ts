import { randomBytes } from 'node:crypto';
import { FaultQueue } from './http.js';
import type { WeiboUser } from './weibo-data.js';

export const WEIBO_ENDPOINTS = ['authorize', 'access_token', 'get_token_info', 'users_show', 'revoke'] as const;
export type WeiboEndpoint = (typeof WEIBO_ENDPOINTS)[number];
/** Faults never hit the browser-facing authorize page. */
export const WEIBO_FAULT_ENDPOINTS = ['access_token', 'get_token_info', 'users_show', 'revoke', 'any'] as const;
export const WEIBO_FAULT_MODES = ['error', 'http500', 'hang', 'non_json'] as const;

export interface WeiboFault {
  endpoint: (typeof WEIBO_FAULT_ENDPOINTS)[number];
  mode: (typeof WEIBO_FAULT_MODES)[number];
  errorCode: number;
}

interface CodeGrant {
  clientId: string;
  uid: string;
  redirectUri?: string;
  expiresAt: number;
}

export interface TokenGrant {
  clientId: string;
  uid: string;
  createdAt: number;
}

// "Developer authorizes own app" lifetime seen in real responses (docs/providers/weibo.md, token exchange).
export const TOKEN_TTL_S = 157679999;

export class WeiboState {
  users = new Map<string, WeiboUser>();
  codes = new Map<string, CodeGrant>();
  tokens = new Map<string, TokenGrant>();
  revoked: string[] = [];
  faults = new FaultQueue<WeiboFault>();
  stats: Record<WeiboEndpoint, number> = emptyStats();

  constructor(private readonly initialUsers: WeiboUser[]) {
    this.reset();
  }

  reset(): void {
    this.users = new Map(this.initialUsers.map((u) => [u.uid, { ...u }]));
    this.codes.clear();
    this.tokens.clear();
    this.revoked = [];
    this.faults.clear();
    this.stats = emptyStats();
  }

  upsertUser(uid: string, screenName?: string): void {
    const user = this.users.get(uid);
    if (!user) this.users.set(uid, { uid, screen_name: screenName ?? `weibo_${uid}` });
    else if (screenName) user.screen_name = screenName;
  }

  mintCode(grant: Omit<CodeGrant, 'expiresAt'>, ttlMs: number): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { ...grant, expiresAt: Date.now() + ttlMs });
    return code;
  }

  /** The grant if the code is live for this client; expired codes are dropped. */
  findCode(code: string, clientId: string): CodeGrant | undefined {
    const grant = this.codes.get(code);
    if (grant && grant.expiresAt <= Date.now()) this.codes.delete(code);
    return grant && grant.clientId === clientId && grant.expiresAt > Date.now() ? grant : undefined;
  }

  issueToken(clientId: string, uid: string): string {
    const token = `2.00${randomBytes(21).toString('base64url')}`;
    this.tokens.set(token, { clientId, uid, createdAt: Math.floor(Date.now() / 1000) });
    return token;
  }

  revoke(token: string): void {
    if (this.tokens.delete(token)) this.revoked.push(token);
  }

  takeFault(endpoint: Exclude<WeiboEndpoint, 'authorize'>): WeiboFault | undefined {
    return this.faults.take((f) => f.endpoint === endpoint || f.endpoint === 'any');
  }
}

function emptyStats(): Record<WeiboEndpoint, number> {
  return { authorize: 0, access_token: 0, get_token_info: 0, users_show: 0, revoke: 0 };
}
