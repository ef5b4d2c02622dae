/**
 * The payload of one `mail` queue job, kept in Redis only (the worker has no database). The activation code
 * is in clear only here: the job is removed once sent, and scrubbed when it fails for good.
 */
export interface MailJob {
  template: 'activation';
  to: string;
  username: string;
  code: string;
}
