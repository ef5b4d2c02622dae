/**
 * Every failure a client can see: `reason` → HTTP status, business code and message (zh-CN, en).
 * `reason` and `code` never change with the language (docs/errors.md is generated from this table, and the
 * SPA and the client SDK read it too). Codes 10100–10114 are the original services' (docs/api.md).
 */
export interface ErrorEntry {
  status: number;
  code: number;
  message: { 'zh-CN': string; en: string };
}

const entry = (status: number, code: number, zh: string, en: string): ErrorEntry => ({
  status,
  code,
  message: { 'zh-CN': zh, en },
});

export const CATALOGUE = {
  invalid_parameters: entry(400, 10100, '参数不正确', 'Some parameters are invalid'),
  bad_request: entry(400, 10100, '请求无效', 'The request is not valid'),
  malformed_json: entry(400, 10100, '请求体不是有效的 JSON', 'The body is not valid JSON'),
  forbidden_key: entry(400, 10100, '请求体包含不允许的字段名', 'The body contains a key that is not allowed'),
  invalid_characters: entry(400, 10100, '文本包含无效字符', 'A text value contains NUL or an unpaired surrogate'),
  too_deeply_nested: entry(400, 10100, '请求体嵌套层级过深', 'The body is nested too deeply'),
  nothing_to_change: entry(400, 10100, '没有需要修改的内容', 'Give at least one field to change'),
  unsupported_media_type: entry(415, 10100, '请以 JSON 格式提交（application/json）', 'Send JSON (application/json)'),
  method_not_allowed: entry(405, 10100, '不支持该请求方法', 'Method not allowed'),
  payload_too_large: entry(413, 10101, '请求体过大', 'The request body is too large'),
  sms_send_failed: entry(502, 10110, '短信发送失败', 'The SMS could not be sent'),
  sms_too_frequent: entry(429, 10111, '验证码发送过于频繁，请稍后再试', 'A code was sent to this phone too recently'),
  sms_code_invalid: entry(400, 10112, '验证码错误或已过期', 'The SMS code is wrong or has expired'),
  provider_unavailable: entry(503, 10113, '第三方服务暂不可用，请稍后再试', 'The provider is unreachable or failing'),
  provider_misconfigured: entry(502, 10113, '第三方服务拒绝了本站的凭据', 'The provider rejected our credentials'),
  provider_error: entry(502, 10113, '第三方服务拒绝了请求', 'The provider refused the request'),
  provider_token_mismatch: entry(502, 10113, '第三方返回的令牌不属于本应用', 'The provider returned a foreign token'),
  provider_not_configured: entry(503, 10113, '本站未配置该登录方式', 'This sign-in method is not configured'),
  bind_database_error: entry(500, 10114, '绑定账号时数据库出错', 'The account could not be bound'),
  sms_ip_limit: entry(429, 10115, '该网络请求验证码过多，请稍后再试', 'Too many codes requested from this address'),
  sms_daily_limit: entry(429, 10115, '该手机号今日验证码次数已达上限', 'This phone has reached its daily code limit'),
  too_many_login_failures: entry(429, 10115, '登录失败次数过多，请稍后再试', 'Too many failed sign-ins; try later'),
  too_many_reset_failures: entry(429, 10115, '重置失败次数过多，请稍后再试', 'Too many failed resets; try later'),
  oauth_state_limit: entry(429, 10115, '请求过于频繁，请稍后再试', 'Too many authorization requests; try later'),
  activation_daily_limit: entry(429, 10115, '今日激活邮件次数已达上限', 'Daily activation mail limit reached'),
  activation_resend_too_frequent: entry(429, 10115, '激活邮件发送过于频繁', 'An activation mail was sent too recently'),
  email_change_limit: entry(429, 10115, '今日修改邮箱次数已达上限', 'Daily email change limit reached'),
  sms_global_limit: entry(429, 10115, '短信发送量已达本站上限，请稍后再试', 'The site’s hourly SMS budget is spent'),
  sms_verify_locked: entry(429, 10115, '验证码错误次数过多，请稍后再试', 'Too many wrong codes for this phone'),
  wechat_login_limit: entry(429, 10115, '微信登录请求过于频繁，请稍后再试', 'Too many WeChat sign-ins from here'),
  invalid_credentials: entry(401, 10116, '账号或密码错误', 'Wrong account or password'),
  invalid_token: entry(401, 10117, '登录已失效，请重新登录', 'A valid access token is required'),
  missing_token: entry(401, 10117, '请先登录', 'An access token is required'),
  account_gone: entry(401, 10117, '账号已不存在', 'This account no longer exists'),
  refresh_token_invalid: entry(401, 10118, '刷新令牌无效', 'The refresh token is not valid'),
  refresh_token_revoked: entry(401, 10118, '刷新令牌已被撤销', 'The refresh token has been revoked'),
  refresh_token_expired: entry(401, 10118, '刷新令牌已过期', 'The refresh token has expired'),
  refresh_token_reused: entry(401, 10118, '刷新令牌被重复使用，会话已结束', 'The refresh token was reused'),
  username_taken: entry(409, 10119, '用户名已被注册', 'This username is already registered'),
  phone_taken: entry(409, 10119, '手机号已被注册', 'This phone is already registered'),
  email_taken: entry(409, 10119, '邮箱已被注册', 'This email is already registered'),
  not_found: entry(404, 10120, '未找到', 'Not found'),
  route_not_found: entry(404, 10120, '接口不存在', 'No such route'),
  session_not_found: entry(404, 10120, '该会话不存在', 'No such session of this account'),
  sms_request_not_found: entry(404, 10120, '该短信请求不存在', 'No such SMS request'),
  account_not_found: entry(404, 10120, '该手机号尚未注册', 'No account uses this phone; register first'),
  identity_not_found: entry(404, 10120, '未绑定该第三方账号', 'No such identity is linked'),
  weibo_state_invalid: entry(400, 10121, '微博登录已失效，请重新发起', 'The Weibo state is invalid; start again'),
  bind_ticket_invalid: entry(400, 10122, '绑定凭证无效或已过期，请重新用微博登录', 'The bind ticket is invalid'),
  weibo_access_denied: entry(400, 10123, '微博授权被拒绝', 'The Weibo authorization was refused'),
  identity_bound_to_another_account: entry(409, 10124, '该第三方账号已绑定其他账号', 'Bound to another account'),
  account_already_has_identity: entry(409, 10125, '该账号已绑定同类第三方账号', 'Already has such an identity'),
  weibo_code_missing: entry(400, 10126, '回调缺少微博授权码', 'The callback carries no Weibo code'),
  weibo_code_invalid: entry(400, 10127, '微博授权码无效，请重新发起', 'Weibo refused the code; start again'),
  last_sign_in_method: entry(409, 10128, '这是该账号唯一的登录方式，不能解绑', 'This is the only way to sign in'),
  weibo_link_user_mismatch: entry(403, 10129, '该绑定由其他账号发起', 'This link was started by another account'),
  not_ready: entry(503, 10130, '服务尚未就绪', 'Not ready'),
  reauth_required: entry(403, 10131, '请先验证身份', 'Confirm it is you first (X-Reauth-Token)'),
  session_revoked: entry(401, 10132, '会话已结束，请重新登录', 'This session has ended; sign in again'),
  captcha_required: entry(428, 10133, '请先完成人机验证', 'Solve error.challenge and repeat with captcha'),
  server_busy: entry(503, 10134, '服务器繁忙，请稍后再试', 'The server is busy; try again later'),
  phone_missing: entry(400, 10135, '该账号未绑定手机号', 'This account has no phone'),
  client_closed_request: entry(499, 10136, '客户端已断开连接', 'The client closed the request'),
  wechat_code_invalid: entry(400, 10140, '微信登录凭证无效，请重新调用 wx.login', 'The WeChat code is invalid'),
  wechat_login_blocked: entry(403, 10141, '微信拒绝了该用户的登录', 'WeChat refused the login of this user'),
  activation_code_invalid: entry(400, 10142, '激活链接无效、已过期或已使用', 'The activation code is invalid'),
  email_already_verified: entry(409, 10143, '邮箱已验证', 'This email address is already verified'),
  email_missing: entry(400, 10144, '该账号没有邮箱', 'This account has no email address to verify'),
  internal_error: entry(500, 10199, '服务器内部错误', 'Internal error'),
} satisfies Record<string, ErrorEntry>;

export type ErrorReason = keyof typeof CATALOGUE;

export type Language = keyof ErrorEntry['message'];

/** zh-CN unless the client prefers English (docs/api.md "Messages"). */
export function languageOf(acceptLanguage: string | undefined): Language {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
