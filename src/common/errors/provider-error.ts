import { AppError } from './app-error.js';

export type Provider = 'weibo' | 'wechat';

/** What went wrong at a sign-in provider, as its gateway classified it (docs/providers/). */
export type ProviderFailure =
  | 'code_invalid'
  | 'access_denied'
  | 'blocked'
  | 'misconfigured'
  | 'not_configured'
  | 'unavailable'
  | 'refused'
  | 'token_mismatch';

/** The one error type the sign-in provider gateways (`WeiboClient`, `WechatClient`) throw. */
export class ProviderError extends Error {
  constructor(
    readonly provider: Provider,
    readonly failure: ProviderFailure,
    readonly retryAfter?: number,
  ) {
    super(`${provider}: ${failure}`);
  }
}

/** The one mapping from a provider failure to what the client sees (docs/errors.md). */
export function providerErrorToAppError(err: ProviderError): AppError {
  switch (err.failure) {
    case 'code_invalid':
      return new AppError(err.provider === 'weibo' ? 'weibo_code_invalid' : 'wechat_code_invalid');
    case 'access_denied':
      return new AppError('weibo_access_denied');
    case 'blocked':
      return new AppError('wechat_login_blocked');
    case 'misconfigured':
      return new AppError('provider_misconfigured');
    case 'not_configured':
      return new AppError('provider_not_configured');
    case 'unavailable':
      return new AppError('provider_unavailable', { retryAfter: err.retryAfter });
    case 'refused':
      return new AppError('provider_error');
    case 'token_mismatch':
      return new AppError('provider_token_mismatch');
  }
}
