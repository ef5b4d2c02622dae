/**
 * `428 captcha_required` on a code request: the ALTCHA widget (npm `altcha`, loaded only when needed) solves
 * the server's proof-of-work challenge in a dialog; its payload is sent again as `captcha`.
 */
import type { CaptchaChallenge } from '@nest-auth-cn/client';

export async function solveCaptcha(challenge: CaptchaChallenge): Promise<string | null> {
  await import('altcha');
  await import('altcha/i18n/zh-cn');
  const dialog = document.createElement('dialog');
  dialog.className = 'captcha';
  dialog.innerHTML = `<h2>请完成人机验证</h2><p class="hint">验证通过后将自动发送验证码</p>
    <altcha-widget language="zh-cn"></altcha-widget>
    <p class="links"><button type="button" class="small cancel">取消</button></p>`;
  document.body.append(dialog);
  const widget = dialog.querySelector('altcha-widget')!;
  await widget.configure({ challenge: challenge as never, auto: 'onload' });
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (payload: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(payload);
    };
    widget.addEventListener('verified', (e) => done((e as CustomEvent<{ payload: string }>).detail.payload));
    dialog.querySelector('.cancel')!.addEventListener('click', () => done(null));
    dialog.addEventListener('cancel', () => done(null));
  });
}
