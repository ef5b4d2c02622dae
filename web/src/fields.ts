/** Hints shown under a form's inputs: the SPA's own words for the API's validation `fields`. */
const FIELDS: Record<string, string> = {
  username: '用户名为 3–20 位字母、数字或下划线',
  password: '密码长度为 8–128 位，且不能是常见密码或包含用户名、手机号',
  old_password: '请输入当前密码',
  phone: '请输入正确的中国大陆手机号',
  email: '请输入正确的邮箱地址',
  verify: '请输入 6 位数字验证码',
  account: '请输入用户名、手机号或邮箱',
  nickname: '昵称最长 30 个字',
  avatar: '头像须为 https 链接',
  birthday: '生日格式为 YYYY-MM-DD',
  signature: '签名最长 120 个字',
};

/** The input that an error reason is about, so its message shows under that input. */
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
