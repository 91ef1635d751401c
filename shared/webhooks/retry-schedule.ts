/**
 * When a failed webhook is tried again, and when it is given up (dead-lettered).
 *
 * The Standard Webhooks spec ("Deliverability and reliability") asks for exponential backoff with random jitter, "to
 * prevent cases where the failures are due to recurring load caused by the webhook attempts themselves", and gives
 * an example schedule. We use the schedule Svix documents for its senders (docs.svix.com/retries: immediately, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure): the first retries catch a blip (a receiver
 * restarting or deploying), the later ones an outage of a night; the last attempt comes about 27.5 hours after the
 * first, which is the "retried for about a day" of DESIGN.md, so a receiver down for a whole day still gets every
 * change. The spec's example goes on for three days; a day is enough here because changes stay readable from
 * GET /v1/changes, and a dead-lettered delivery is visible and can be replayed.
 *
 * Each delay is jittered by ±10 % so that the deliveries of one burst (a policy revision moves thousands of
 * suppliers at once) do not all come back to a recovering receiver in the same second.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The nominal delay before retry n+1, counted from the failure of the attempt before it. */
export const RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** Every attempt a delivery gets: the first, then one per delay; after the last fails it is dead-lettered. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const JITTER = 0.1;

/** A random number in [0, 1), as Math.random. */
export type Random = () => number;

const jittered = (nominal: number, random: Random): number => Math.round(nominal * (1 + JITTER * (2 * random() - 1)));

/**
 * The delay before the next attempt after `failedAttempts` attempts have failed (1 after the first), or null when
 * none is left: dead-letter the delivery.
 */
export function nextRetryDelay(failedAttempts: number, random: Random = Math.random): number | null {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) {
    throw new RangeError(`failed attempts counts from 1, not ${failedAttempts}`);
  }
  const nominal = RETRY_DELAYS_MS[failedAttempts - 1];
  return nominal === undefined ? null : jittered(nominal, random);
}

/** The whole schedule, jittered: the delay before each retry, in order. */
export function retrySchedule(random: Random = Math.random): number[] {
  return RETRY_DELAYS_MS.map((d) => jittered(d, random));
}
