/** Chinese text for the API's error `reason`s and validation `fields` (README, "Error codes"). */
import type { ApiErrorInfo } from './api';

const REASONS: Record<string, string> = {
  network_error: '网络连接失败，请检查网络后重试',
  invalid_parameters: '请检查填写的内容',
  sms_send_failed: '短信发送失败，请稍后重试',
  sms_too_frequent: '验证码发送太频繁，请稍后再试',
  sms_code_invalid: '验证码错误或已过期',
  sms_daily_limit: '该手机号今日获取验证码次数已达上限',
  sms_ip_limit: '请求过于频繁，请稍后再试',
  too_many_login_failures: '登录失败次数过多，请稍后再试',
  invalid_credentials: '账号或密码错误',
  username_taken: '用户名已被注册',
  phone_taken: '手机号已被注册',
  email_taken: '邮箱已被注册',
  account_not_found: '该手机号尚未注册，请先注册',
  provider_unavailable: '微博服务暂时不可用，请稍后再试',
  provider_misconfigured: '微博登录配置有误，请联系管理员',
  provider_not_configured: '本站尚未配置微博登录',
  provider_error: '微博拒绝了请求，请重试',
  bind_database_error: '绑定失败，请稍后重试',
  weibo_state_invalid: '登录请求已失效，请重新发起微博登录',
  weibo_code_missing: '缺少微博授权码，请重新发起微博登录',
  weibo_code_invalid: '微博授权已失效，请重新发起微博登录',
  weibo_access_denied: '你拒绝了微博授权',
  weibo_link_user_mismatch: '绑定请求属于另一个账号，请重新发起',
  bind_ticket_invalid: '绑定已过期，请重新使用微博登录',
  identity_bound_to_another_account: '该微博已绑定其他账号',
  account_already_has_identity: '该账号已绑定另一个微博',
  last_sign_in_method: '微博是该账号唯一的登录方式，暂不能解绑',
  identity_not_found: '尚未绑定微博',
  activation_code_invalid: '激活链接无效、已过期或已使用',
  email_already_verified: '邮箱已经验证过了',
  email_missing: '账号没有填写邮箱',
  missing_token: '请先登录',
  invalid_token: '登录已过期，请重新登录',
  account_gone: '账号不存在，请重新登录',
  refresh_token_invalid: '登录已过期，请重新登录',
  refresh_token_expired: '登录已过期，请重新登录',
  refresh_token_revoked: '登录已失效，请重新登录',
  refresh_token_reused: '登录已失效，请重新登录',
  internal_error: '服务器开小差了，请稍后再试',
};

const FIELDS: Record<string, string> = {
  username: '用户名为 3–20 位字母、数字或下划线',
  password: '密码长度为 8–128 位',
  phone: '请输入正确的中国大陆手机号',
  email: '请输入正确的邮箱地址',
  verify: '请输入 6 位数字验证码',
  account: '请输入用户名、手机号或邮箱',
};

/** The field that a reason is about, so its message shows under that input. */
export const REASON_FIELD: Record<string, string> = {
  sms_code_invalid: 'verify',
  username_taken: 'username',
  phone_taken: 'phone',
  email_taken: 'email',
  account_not_found: 'phone',
  sms_too_frequent: 'phone',
  sms_daily_limit: 'phone',
};

export function fieldText(field: string, serverMessage: string): string {
  return FIELDS[field] ?? serverMessage;
}

export function reasonText(info: ApiErrorInfo): string {
  const text = REASONS[info.reason] ?? info.message ?? `请求失败（${info.code}）`;
  return info.retryAfter && info.status === 429 ? `${text}（${wait(info.retryAfter)}后可重试）` : text;
}

function wait(seconds: number): string {
  return seconds < 120 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
}
