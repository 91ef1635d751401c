/**
 * The notifier's decisions about one attempt, pure (issue 10): what it did (the attempt as the delivery log keeps it),
 * what comes next (delivered, another attempt at a time, or dead), and how a wait longer than SQS can delay a message
 * is made of hops.
 *
 * SQS delays a message at most 900 s (DelaySeconds), while the retry schedule (shared/webhooks/retry-schedule.ts) waits
 * up to 10 h. A retry is therefore sent with min(900 s, the wait) of delay; when it arrives early it is sent again
 * with min(900 s, what is left) — a hop — until the delivery's `nextAttemptAt` has come. The stored `nextAttemptAt`
 * is the truth, the message only a reminder: hops hold no state, and a 10 h wait costs 40 messages.
 *
 * The local runtime compresses its queue's waits by a `timeScale`; the schedule is compressed with them (the times
 * stored are real, the delays sent are the queue's), so a day of retries passes in seconds in tests.
 */
import type { MineralRiskError } from '../errors.ts';
import type { DeliveryResult } from '../webhooks/deliver.ts';
import { DELIVERY_LOG, type DeliveryAttempt, type DeliveryStatus } from '../webhooks/port.ts';
import { nextRetryDelay, type Random } from '../webhooks/retry-schedule.ts';

/** SQS's maximum DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;
/** A message at most this early is taken as due: not worth a hop of a second. */
export const DUE_TOLERANCE_MS = 1000;

/** The DelaySeconds of a message that should arrive `waitMs` from now: whole seconds, 0–900. */
export const delaySecondsFor = (waitMs: number): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(waitMs / 1000)));

/**
 * null: the attempt is due now; otherwise the delay of the next hop (s). `nextAttemptAt` null means due. `timeScale`
 * is the queue's (the local runtime compresses its waits, delays included; 1 in AWS): a wait of w real ms is
 * w / timeScale seconds of the queue's delay.
 */
export function hopDelaySeconds(nextAttemptAt: string | null, now: Date, timeScale = 1): number | null {
  if (nextAttemptAt === null) return null;
  const wait = Date.parse(nextAttemptAt) - now.getTime();
  return Number.isNaN(wait) || wait <= DUE_TOLERANCE_MS * timeScale ? null : delaySecondsFor(wait / timeScale);
}

/** At most DELIVERY_LOG.responseExcerptChars characters of the answer, never cutting a character in two. */
export function responseExcerpt(body: string | undefined): string | null {
  if (!body) return null;
  const max = DELIVERY_LOG.responseExcerptChars;
  if (body.length <= max) return body;
  const cut = body.slice(0, max);
  // A lone high surrogate at the end is half of a character: drop it.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The attempt as the delivery log records it. */
export function attemptOf(result: DeliveryResult, attempt: number, at: Date): DeliveryAttempt {
  return {
    attempt,
    at: at.toISOString(),
    outcome: result.ok ? 'delivered' : 'failed',
    httpStatus: result.status,
    error: result.ok ? null : (result.error?.message ?? `the receiver answered ${result.status}`),
    responseExcerpt: responseExcerpt(result.responseBody),
    durationMs: result.durationMs,
  };
}

export interface NextStep {
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  /** The schedule's wait before the next attempt (ms, in the queue's time), when there is one. */
  retryInMs: number | null;
  /** Why it is dead, in words, when it is. */
  deadBecause: string | null;
}

/**
 * What follows attempt number `attempt`: delivered on a 2xx; dead when the error cannot succeed again (410 Gone, a
 * redirect, a refused destination, a bad secret) or when the schedule has no retry left; else failed, retried after
 * the schedule's jittered delay.
 */
export function nextStep(
  result: DeliveryResult,
  attempt: number,
  now: Date,
  options: { random?: Random; timeScale?: number } = {},
): NextStep {
  if (result.ok) return { status: 'delivered', nextAttemptAt: null, retryInMs: null, deadBecause: null };
  const error: MineralRiskError | undefined = result.error;
  if (error && !error.retryable)
    return { status: 'dead', nextAttemptAt: null, retryInMs: null, deadBecause: `not retryable: ${error.message}` };
  const delay = nextRetryDelay(attempt, options.random);
  if (delay === null)
    return { status: 'dead', nextAttemptAt: null, retryInMs: null, deadBecause: `failed ${attempt} attempts` };
  return {
    status: 'failed',
    nextAttemptAt: new Date(now.getTime() + delay * (options.timeScale ?? 1)).toISOString(),
    retryInMs: delay,
    deadBecause: null,
  };
}
