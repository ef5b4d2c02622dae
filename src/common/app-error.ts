/**
 * Every failure a client can see. `code` and `reason` are stable and listed in the README's error table.
 * Services throw these; the exception filter turns them into the contract's envelope.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly extra: { fields?: Record<string, string>; retryAfter?: number } = {},
  ) {
    super(message);
  }
}

export const Errors = {
  validation: (fields: Record<string, string>) =>
    new AppError(400, 10100, 'invalid_parameters', 'Some parameters are invalid', { fields }),
  badRequest: (reason: string, message: string) => new AppError(400, 10100, reason, message),
  smsSendFailed: () => new AppError(502, 10110, 'sms_send_failed', 'The SMS could not be sent'),
  smsTooFrequent: (retryAfter: number) =>
    new AppError(429, 10111, 'sms_too_frequent', 'A code was sent to this phone too recently', { retryAfter }),
  smsCodeInvalid: () => new AppError(400, 10112, 'sms_code_invalid', 'The SMS code is wrong or has expired'),
  providerUnavailable: (provider: string, retryAfter?: number) =>
    new AppError(503, 10113, 'provider_unavailable', `${provider} is unreachable or failing; try again later`, {
      retryAfter,
    }),
  providerMisconfigured: (provider: string) =>
    new AppError(502, 10113, 'provider_misconfigured', `${provider} rejected our credentials`),
  bindDatabaseError: () => new AppError(500, 10114, 'bind_database_error', 'The account could not be bound'),
  rateLimited: (reason: string, retryAfter: number) =>
    new AppError(429, 10115, reason, 'Too many requests; try again later', { retryAfter }),
  invalidCredentials: () => new AppError(401, 10116, 'invalid_credentials', 'Wrong account or password'),
  unauthenticated: (reason = 'invalid_token') => new AppError(401, 10117, reason, 'A valid access token is required'),
  refreshInvalid: (reason: string) => new AppError(401, 10118, reason, 'The refresh token is not valid'),
  taken: (field: 'username' | 'phone' | 'email') =>
    new AppError(409, 10119, `${field}_taken`, `This ${field} is already registered`),
  notFound: (reason = 'not_found', message = 'Not found') => new AppError(404, 10120, reason, message),
  payloadTooLarge: () => new AppError(413, 10101, 'payload_too_large', 'The request body is too large'),
  internal: () => new AppError(500, 10199, 'internal_error', 'Internal error'),
};

/** Weibo sign-in (api-contract "Weibo"); 10113 provider failures and 10124/10125 identity conflicts are shared. */
export const WeiboErrors = {
  stateInvalid: () =>
    new AppError(
      400,
      10121,
      'weibo_state_invalid',
      'The state is unknown, expired or already used; start the Weibo login again',
    ),
  ticketInvalid: () =>
    new AppError(
      400,
      10122,
      'bind_ticket_invalid',
      'The bind ticket is unknown, expired or already used; sign in with Weibo again',
    ),
  accessDenied: () => new AppError(400, 10123, 'weibo_access_denied', 'The Weibo authorization was refused'),
  codeMissing: () => new AppError(400, 10126, 'weibo_code_missing', 'The callback carries no Weibo code'),
  codeInvalid: () =>
    new AppError(
      400,
      10127,
      'weibo_code_invalid',
      'Weibo refused the code (used, expired or wrong); start the Weibo login again',
    ),
  lastSignInMethod: () =>
    new AppError(409, 10128, 'last_sign_in_method', 'Unlinking Weibo would leave this account with no way to sign in'),
  linkUserMismatch: () =>
    new AppError(
      403,
      10129,
      'weibo_link_user_mismatch',
      'This link was started by another account; send its access token',
    ),
  rejected: () => new AppError(502, 10113, 'provider_error', 'Weibo refused the request'),
  tokenMismatch: () =>
    new AppError(502, 10113, 'provider_token_mismatch', 'Weibo returned a token for another app or user'),
  notConfigured: () =>
    new AppError(503, 10113, 'provider_not_configured', 'Weibo login is not configured on this server'),
};
