import type { Job } from 'bull';

/** What one failed attempt of a queue job came to: Bull runs it again, or it is over. */
export type AttemptVerdict = 'retried' | 'failed';

/** True when Bull will not run this job again after the current attempt fails. */
export function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Ends a job for good after this attempt: it stays in the failed set for operators, with `scrub` applied so
 * no secret it carried (a code, a link) stays readable in Redis, and Bull will not retry it.
 */
export async function retireJob<T>(job: Job<T>, scrub: Partial<T>): Promise<void> {
  await job.update({ ...job.data, ...scrub });
  await job.discard();
}

/**
 * The retry-or-give-up shape shared by the queue processors: a `retry` failure is left to Bull's backoff
 * unless this was the last attempt; anything else, or the last attempt, retires the job. The caller records
 * the verdict and rethrows, so Bull counts the attempt as failed.
 */
export async function settleFailedAttempt<T>(job: Job<T>, retry: boolean, scrub: Partial<T>): Promise<AttemptVerdict> {
  if (retry && !isLastAttempt(job)) return 'retried';
  await retireJob(job, scrub);
  return 'failed';
}
