/** One `sms` queue job. The code is in clear only here: a sent job is removed, a failed one has its code blanked. */
export interface SmsJob {
  requestId: string;
  phone: string;
  code: string;
  ttlMinutes: number;
}
