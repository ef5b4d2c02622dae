/** Small DOM helpers shared by the pages: forms, inline errors from the envelope, the SMS button. */
import './style.css';
import { AuthError, messageFor, type CodeSent } from '@nest-auth-cn/client';
import { auth } from './auth';
import { REASON_FIELD, fieldText } from './fields';

export const $ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T =>
  root.querySelector<T>(selector)!;

/** `addEventListener` for an async handler: its promise is not left floating (the handler reports its own errors). */
export function on<E extends Event = Event>(
  target: EventTarget,
  type: string,
  handler: (event: E) => Promise<unknown>,
): void {
  target.addEventListener(type, (event) => void handler(event as E));
}

export function values(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) out[name] = typeof value === 'string' ? value.trim() : '';
  return out;
}

function messageBox(form: HTMLElement): HTMLElement {
  return $('.msg', form);
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('[data-err]').forEach((el) => (el.textContent = ''));
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const box = messageBox(form);
  box.textContent = '';
  box.className = 'msg';
}

export function say(box: HTMLElement, text: string, kind: 'error' | 'ok' | 'info' = 'info'): void {
  box.textContent = text;
  box.className = `msg ${kind}`;
}

function markField(form: HTMLElement, field: string, text: string): boolean {
  const slot = form.querySelector<HTMLElement>(`[data-err="${field}"]`);
  if (!slot) return false;
  slot.textContent = text;
  form.querySelector(`[name="${field}"]`)?.setAttribute('aria-invalid', 'true');
  return true;
}

/** The message for a failure, from the server's one table (packages/client/src/messages.ts), with the wait. */
export function reasonText(err: unknown): string {
  if (!(err instanceof AuthError)) return '出错了，请重试';
  const text = messageFor(err, 'zh-CN');
  return err.retryAfter && err.status === 429 ? `${text}（${wait(err.retryAfter)}后可重试）` : text;
}

function wait(seconds: number): string {
  return seconds < 120 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
}

/** Shows an API failure: `fields` under their inputs, the `reason` in the form's message line. */
export function showError(form: HTMLElement, err: unknown): void {
  clearErrors(form);
  if (!(err instanceof AuthError)) {
    say(messageBox(form), '出错了，请重试', 'error');
    console.error(err);
    return;
  }
  const { fields = {}, reason } = err;
  const unplaced = Object.entries(fields).filter(([name, msg]) => !markField(form, name, fieldText(name, msg)));
  const field = REASON_FIELD[reason];
  const placed = field !== undefined && markField(form, field, reasonText(err));
  const extra = unplaced.map(([name, msg]) => `${name}: ${msg}`).join('；');
  if (extra) say(messageBox(form), `${reasonText(err)}：${extra}`, 'error');
  else if (!placed) say(messageBox(form), reasonText(err), 'error');
}

/** Runs `action` with the form's submit button disabled; errors are shown on the form. */
export function onSubmit(form: HTMLFormElement, action: (v: Record<string, string>) => Promise<void>): void {
  on(form, 'submit', async (event) => {
    event.preventDefault();
    const button = $<HTMLButtonElement>('button[type="submit"]', form);
    button.disabled = true;
    clearErrors(form);
    try {
      await action(values(form));
    } catch (err) {
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * "发送验证码" with a visible countdown: `resend_in` from the API (60 s by default), or `Retry-After` when
 * the API says a code was sent too recently (429 10111). `send` defaults to a code for the form's `phone`.
 */
export function smsButton(
  form: HTMLFormElement,
  send: () => Promise<CodeSent> = () => auth.sms.send(values(form).phone),
): void {
  const button = $<HTMLButtonElement>('.send-code', form);
  const label = button.textContent ?? '发送验证码';
  const countdown = (seconds: number) => {
    let left = Math.max(1, Math.ceil(seconds));
    button.disabled = true;
    const tick = () => {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = '重新发送';
        return;
      }
      button.textContent = `${left--} 秒后重发`;
      setTimeout(tick, 1000);
    };
    tick();
  };
  on(button, 'click', async () => {
    clearErrors(form);
    button.disabled = true;
    try {
      const sent = await send();
      say(messageBox(form), '验证码已发送，请查收短信', 'ok');
      countdown(sent.resend_in ?? 60);
    } catch (err) {
      showError(form, err);
      const info = err instanceof AuthError ? err : undefined;
      if (info?.reason === 'sms_too_frequent' && info.retryAfter) countdown(info.retryAfter);
      else button.disabled = false;
      if (!button.disabled) button.textContent = label;
    }
  });
}

/** `+8613800138000` → `138****8000`. */
export function maskPhone(phone: string | null): string {
  if (!phone) return '未绑定';
  const digits = phone.replace(/^\+86/, '');
  return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(7)}` : digits;
}

/** Tabs: buttons with data-tab show the element with the same data-panel inside `root`. */
export function tabs(root: HTMLElement): void {
  const buttons = root.querySelectorAll<HTMLButtonElement>('[data-tab]');
  buttons.forEach((button) =>
    button.addEventListener('click', () => {
      buttons.forEach((b) => b.setAttribute('aria-selected', String(b === button)));
      root
        .querySelectorAll<HTMLElement>('[data-panel]')
        .forEach((p) => (p.hidden = p.dataset.panel !== button.dataset.tab));
    }),
  );
}

/** Local date and time, 24-hour. */
export const when = (iso: string): string => new Date(iso).toLocaleString('zh-CN', { hour12: false });

/** Sends signed-out visitors to the sign-in page; resolves once this page may render. */
export async function requireSignIn(): Promise<void> {
  const leaving = () => new Promise<never>(() => undefined); // the page is going away
  if (!(await auth.isSignedIn())) {
    location.replace('index.html');
    return leaving();
  }
  if (!(await auth.accessToken())) return leaving(); // refresh refused: onSignedOut is on its way to sign-in
}
