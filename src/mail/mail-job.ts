/**
 * The payload of one `mail` queue job, kept in Redis only (the worker has no database). An activation code
 * is in clear only here: the job is removed once sent, and scrubbed when it fails for good.
 */
export type MailJob =
  | { template: 'activation'; to: string; username: string; code: string }
  /** To the address an account just left (docs/security.md "Notices"). */
  | { template: 'email_changed'; to: string; username: string; newEmail: string };
