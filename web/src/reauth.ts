/**
 * The step-up dialog ("验证身份"): before a phone, email or first-password change, linking or unlinking
 * Weibo, or deleting an account, the API wants fresh proof of the owner (403 `reauth_required`). The owner
 * gives the password or an SMS code sent to the current phone; the client then sends `X-Reauth-Token`
 * with the retried request (docs/guides/spa.md, "Step-up").
 */
import { auth } from './auth';
import { $, maskPhone, onSubmit, smsButton, tabs } from './ui';

const HTML = `<form method="dialog" id="reauth-form" novalidate>
  <h2>验证身份</h2>
  <p class="hint">为了账号安全，请先确认是你本人操作</p>
  <div class="tabs" role="tablist">
    <button type="button" role="tab" data-tab="password" aria-selected="true">密码</button>
    <button type="button" role="tab" data-tab="sms" aria-selected="false">短信验证码</button>
  </div>
  <div data-panel="password">
    <label for="reauth-password">当前密码</label>
    <input id="reauth-password" name="password" type="password" autocomplete="current-password">
    <small class="err" data-err="password"></small>
  </div>
  <div data-panel="sms" hidden>
    <label for="reauth-verify">发送到 <span id="reauth-phone"></span> 的验证码</label>
    <div class="row">
      <input id="reauth-verify" name="verify" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
      <button type="button" class="send-code">发送验证码</button>
    </div>
    <small class="err" data-err="verify"></small>
  </div>
  <p class="msg" role="alert"></p>
  <button type="submit" class="primary">确认</button>
  <button type="button" class="cancel">取消</button>
</form>`;

/** Opens the dialog; true once a reauth token is held, false when the user cancels. */
export async function askReauth(): Promise<boolean> {
  const me = await auth.account.me();
  const dialog = document.createElement('dialog');
  dialog.id = 'reauth';
  dialog.innerHTML = HTML;
  document.body.append(dialog);
  const form = $<HTMLFormElement>('form', dialog);
  tabs(form);
  $('#reauth-phone', dialog).textContent = maskPhone(me.phone);
  if (!me.has_password) $('[data-tab="sms"]', dialog).click();
  $('[data-tab="password"]', dialog).hidden = !me.has_password;
  $('[data-tab="sms"]', dialog).hidden = !me.phone;
  smsButton(form, () => auth.reauth.sendSms());
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    onSubmit(form, async (v) => {
      const bySms = $('[data-panel="sms"]', dialog).hidden === false;
      await auth.reauth.prove(bySms ? { verify: v.verify } : { password: v.password });
      done(true);
    });
    $('.cancel', dialog).addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
  });
}
