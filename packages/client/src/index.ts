export { createAuthClient, type AuthClient, type AuthClientOptions } from './client.js';
export type { WeiboResult } from './weibo.js';
export {
  AuthError,
  messageFor,
  type AuthErrorInfo,
  type CaptchaChallenge,
  type ErrorReason,
  type Language,
} from './errors.js';
export { MESSAGES } from './messages.js';
export {
  memoryStorage,
  type HttpRequest,
  type HttpResponse,
  type KeyValueStorage,
  type LockFn,
  type RequestFn,
} from './http.js';
export { browser, fetchRequest, webLock, webStorage } from './browser.js';
export {
  miniProgram,
  miniProgramLogin,
  miniProgramRequest,
  miniProgramStorage,
  type MiniProgramApi,
} from './wechat.js';
export type { Answer } from './transport.js';
export type * from './types.js';
