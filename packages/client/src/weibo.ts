import type { CallOptions } from './client.js';
import { AuthError } from './errors.js';
import type { KeyValueStorage } from './http.js';
import { challengeOf, newVerifier } from './pkce.js';
import type { Answer } from './transport.js';
import type { Tokens, WeiboBindOffer, WeiboNewAccountFields } from './types.js';

export type WeiboResult =
  { kind: 'signed_in'; tokens: Tokens; linked: boolean } | { kind: 'bind'; offer: WeiboBindOffer };

/** What the Weibo flows need from the client. */
export interface WeiboDeps {
  call: <T>(method: string, path: string, opts?: CallOptions) => Promise<Answer<T>>;
  data: <T>(method: string, path: string, opts?: CallOptions) => Promise<T>;
  signedIn: <T extends Tokens>(answer: Promise<T>) => Promise<T>;
  signOut: () => Promise<void>;
  /** Per tab: the hand-off between the page that starts and the callback page. */
  flowStorage: KeyValueStorage;
  key: string;
}

interface WeiboFlow {
  state: string;
  verifier: string;
  link: boolean;
}

/**
 * Weibo sign-in across two pages. The start keeps a PKCE verifier (RFC 7636 S256) and the `state` for this
 * tab; the callback page sends them back. See docs/guides/spa.md, "Weibo".
 */
export function weiboFlows({ call, data, signedIn, signOut, flowStorage, key }: WeiboDeps) {
  async function takeFlow(): Promise<WeiboFlow | null> {
    const text = await flowStorage.get(key);
    await flowStorage.remove(key); // the state and verifier are single use
    try {
      return text ? (JSON.parse(text) as WeiboFlow) : null;
    } catch {
      return null;
    }
  }

  return {
    /** Starts Weibo sign-in (or, with `link`, linking Weibo to the signed-in user): returns the URL to open. */
    async start({ link = false } = {}): Promise<string> {
      const verifier = newVerifier();
      const path = `/v1/users/weibo/authorization?code_challenge=${await challengeOf(verifier)}`;
      const { oauth_url } = await data<{ oauth_url: string }>('GET', path, { auth: link, reauth: link });
      const state = decodeURIComponent(/[?&]state=([^&#]*)/.exec(oauth_url)?.[1] ?? '');
      await flowStorage.set(key, JSON.stringify({ state, verifier, link } satisfies WeiboFlow));
      return oauth_url;
    },
    /**
     * On the callback page: `search` is its query string (`?code=…&state=…` or `?error=…`). Signs in (or finishes
     * a link), or returns the bind offer of a Weibo user that has no account yet. Only the tab that started
     * the flow can finish it: it alone holds the verifier and the state (a foreign callback is login CSRF).
     */
    async finish(search: string): Promise<WeiboResult> {
      const flow = await takeFlow();
      const query = search.replace(/^\?/, '');
      if (!flow || new URLSearchParams(query).get('state') !== flow.state) {
        throw new AuthError({ status: 0, code: 0, reason: 'weibo_flow_unknown', message: 'not started in this tab' });
      }
      const path = `/v1/users/weibo/users?${query}&code_verifier=${flow.verifier}`;
      const answer = await call<Tokens | WeiboBindOffer>('GET', path, { auth: flow.link });
      if (answer.code === 201) return { kind: 'bind', offer: answer.data as WeiboBindOffer };
      if (flow.link) await signOut(); // the link answer opens a new session: close the one that started it
      return { kind: 'signed_in', tokens: await signedIn(Promise.resolve(answer.data as Tokens)), linked: flow.link };
    },
    createAccount: (bind_ticket: string, fields: WeiboNewAccountFields) =>
      signedIn(data<Tokens>('POST', '/v1/users/weibo/users', { body: { ...fields, bind_ticket } })),
    bindExisting: (bind_ticket: string, account: string, password: string) =>
      signedIn(data<Tokens>('POST', '/v1/users/weibo/bind', { body: { bind_ticket, account, password } })),
    unlink: () => data<object>('DELETE', '/v1/users/me/identities/weibo', { auth: true, reauth: true }),
  };
}
