import { MineralRiskError } from '../errors.ts';
import { backoffMs } from '../store/retry.ts';
import type { ScoreQueue, SendEntry } from './port.ts';
import { QUEUE_SETTINGS } from './settings.ts';

/** SQS limit on one SendMessageBatch request (all entries together). */
const MAX_BATCH_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 8;

/** The queue refused this message itself (invalid content, too large): resending the same body cannot succeed. */
export class MessageRejectedError extends MineralRiskError {
  override readonly name = 'MessageRejectedError';
  readonly retryable = false;
}

/** The queue did not take the messages after every retry (an outage, throttling): a later try may succeed. */
export class QueueUnavailableError extends MineralRiskError {
  override readonly name = 'QueueUnavailableError';
  readonly retryable = true;
  constructor(
    message: string,
    /** Messages sent before it gave up. */
    readonly sent: number,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export interface SendOptions<T> {
  /** MessageGroupId of every message (the tenant): SQS fair queues keep one tenant's backlog from delaying others. */
  groupId?: string;
  /** Called once per message the queue accepted. */
  onSent?: (message: T) => void;
  /** Called once per message the queue refused (sender fault); the others are still sent. */
  onRejected?: (message: T, error: MessageRejectedError) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Send messages with SendMessageBatch: ≤ 10 entries and ≤ 256 KiB per call. Entries that fail on the service's
 * side, and calls that throw, are resent with backoff and jitter; after MAX_ATTEMPTS it throws QueueUnavailableError
 * (what was sent before stays sent, and was reported). An entry the queue refuses (sender fault) is reported to
 * `onRejected` and not resent: one bad message never stops the others.
 */
export async function sendMessages<T extends { body: string }>(
  queue: ScoreQueue,
  messages: Iterable<T>,
  options: SendOptions<T> = {},
): Promise<{ sent: number; rejected: number }> {
  let sent = 0;
  let rejected = 0;
  let group: T[] = [];
  let groupBytes = 0;
  const entry = (m: T, i: number): SendEntry =>
    options.groupId === undefined
      ? { id: String(i), body: m.body }
      : { id: String(i), body: m.body, groupId: options.groupId };
  const flush = async () => {
    let pending = group.map((m, i) => ({ m, e: entry(m, i) }));
    group = [];
    groupBytes = 0;
    for (let attempt = 0; ; attempt++) {
      let failed: Awaited<ReturnType<ScoreQueue['sendBatch']>>['failed'];
      try {
        ({ failed } = await queue.sendBatch(pending.map((p) => p.e)));
      } catch (err) {
        if (attempt + 1 >= MAX_ATTEMPTS)
          throw new QueueUnavailableError(
            `the queue did not answer after ${MAX_ATTEMPTS} attempts: ${(err as Error).message}`,
            sent,
            err,
          );
        await sleep(backoffMs(attempt));
        continue;
      }
      const byId = new Map(failed.map((f) => [f.id, f]));
      const retry: typeof pending = [];
      for (const p of pending) {
        const f = byId.get(p.e.id);
        if (!f) {
          sent++;
          options.onSent?.(p.m);
        } else if (f.senderFault) {
          rejected++;
          options.onRejected?.(p.m, new MessageRejectedError(`message refused by the queue: ${f.code}: ${f.message}`));
        } else retry.push(p);
      }
      if (retry.length === 0) return;
      if (attempt + 1 >= MAX_ATTEMPTS)
        throw new QueueUnavailableError(`${retry.length} message(s) not sent after ${MAX_ATTEMPTS} attempts`, sent);
      pending = retry;
      await sleep(backoffMs(attempt));
    }
  };
  for (const m of messages) {
    const bytes = Buffer.byteLength(m.body, 'utf8');
    if (group.length >= QUEUE_SETTINGS.sendBatchEntries || (group.length > 0 && groupBytes + bytes > MAX_BATCH_BYTES))
      await flush();
    group.push(m);
    groupBytes += bytes;
  }
  if (group.length > 0) await flush();
  return { sent, rejected };
}
