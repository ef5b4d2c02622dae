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
    <div class="slot"></div><p class="links"><button type="button" class="small cancel">取消</button></p>`;
  const widget = document.createElement('altcha-widget');
  widget.setAttribute('language', 'zh-cn');
  return new Promise((resolve) => {
    const done = (payload: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(payload);
    };
    // The widget's methods exist only after its `load` event.
    widget.addEventListener('load', () => {
      void widget.configure({ challenge: challenge as never, auto: 'onload' });
    });
    widget.addEventListener('verified', (e) => done((e as CustomEvent<{ payload: string }>).detail.payload));
    dialog.querySelector('.cancel')!.addEventListener('click', () => done(null));
    dialog.addEventListener('cancel', () => done(null));
    dialog.querySelector('.slot')!.append(widget);
    document.body.append(dialog);
    dialog.showModal();
  });
}
