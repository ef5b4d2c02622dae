/** A delivery failure the processor sorts into retry (transient) or give up. */
export class MailDeliveryError extends Error {
  constructor(
    readonly transient: boolean,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface SmtpErrorLike {
  code?: string;
  originalCode?: string;
  responseCode?: number;
}

// Failures of the connection rather than refusals of the message: the same mail may go through later.
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * RFC 5321: a 4yz reply is transient, a 5yz reply permanent, except 503 (bad sequence of commands), which
 * says the session was in the wrong state rather than that the message was refused. Without a reply, a
 * connection failure or timeout is transient; anything else (bad address, missing credentials) is not.
 */
export function classifySmtpError(err: unknown): MailDeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorLike;
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    const permanent = e.responseCode >= 500 && e.responseCode !== 503;
    return new MailDeliveryError(!permanent, `smtp_${e.responseCode}`);
  }
  const code = e.originalCode ?? e.code;
  const transient = TRANSIENT_CODES.has(e.code ?? '') || TRANSIENT_CODES.has(e.originalCode ?? '');
  return new MailDeliveryError(transient, `smtp_${(code ?? 'error').toLowerCase()}`);
}
