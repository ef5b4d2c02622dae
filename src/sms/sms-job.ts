/** The payload of one `sms` queue job. The code is in clear only here, and the job is removed once done. */
export interface SmsJob {
  requestId: string;
  phone: string;
  code: string;
  ttlMinutes: number;
}
