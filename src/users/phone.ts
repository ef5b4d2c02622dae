/** Mainland China mobile numbers: 11 digits starting 13–19, optionally written with +86 / 86 / spaces / dashes. */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Returns `+86XXXXXXXXXXX`, or null when the input is not a mainland mobile number. */
export function normalizePhone(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return MAINLAND_MOBILE.test(compact) ? `+86${compact}` : null;
}

/** The 11 national digits Ronglian's `to` expects. */
export function nationalNumber(e164: string): string {
  return e164.replace(/^\+86/, '');
}

/** For logs: `+86138****5678`. */
export function maskPhone(e164: string): string {
  return e164.replace(/^(\+86\d{3})\d{4}(\d{4})$/, '$1****$2');
}
