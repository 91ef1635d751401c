/**
 * Queues `deliver` messages on the notify queue: grouped by tenant (a fair queue: one tenant's burst of deliveries
 * does not hold back another's), each with its own delay. Up to 10 per SendMessageBatch; entries the queue failed on
 * its side are sent again with backoff, then QueueUnavailableError (retryable) is thrown; an entry the queue refused
 * (sender fault) throws MessageRejectedError at once, since a deliver message is a few ids and cannot be too large.
 */
import type { ScoreQueue, SendEntry } from '../queue/port.ts';
import { MessageRejectedError, QueueUnavailableError } from '../queue/send-messages.ts';
import { QUEUE_SETTINGS } from '../queue/settings.ts';
import { backoffMs } from '../store/retry.ts';
import { type DeliveryMessage, deliveryEntry } from '../webhooks/delivery-message.ts';

const MAX_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScheduledMessage {
  message: DeliveryMessage;
  /** 0–900 s (shared/notify/schedule.ts delaySecondsFor). */
  delaySeconds: number;
}

export async function sendDeliveryMessages(queue: ScoreQueue, scheduled: readonly ScheduledMessage[]): Promise<void> {
  for (let i = 0; i < scheduled.length; i += QUEUE_SETTINGS.sendBatchEntries) {
    let pending: SendEntry[] = scheduled.slice(i, i + QUEUE_SETTINGS.sendBatchEntries).map((s, j) => ({
      ...deliveryEntry(s.message),
      // Entry ids only need to be distinct within the call.
      id: String(j),
      ...(s.delaySeconds > 0 ? { delaySeconds: s.delaySeconds } : {}),
    }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new QueueUnavailableError(
          `${pending.length} deliver message(s) not queued after ${MAX_ATTEMPTS} attempts`,
          0,
        );
      if (attempt > 0) await sleep(backoffMs(attempt - 1));
      let failed: Awaited<ReturnType<ScoreQueue['sendBatch']>>['failed'];
      try {
        ({ failed } = await queue.sendBatch(pending));
      } catch (err) {
        if (attempt + 1 >= MAX_ATTEMPTS)
          throw new QueueUnavailableError(`the notify queue did not answer: ${(err as Error).message}`, 0, err);
        continue;
      }
      const refused = failed.find((f) => f.senderFault);
      if (refused) throw new MessageRejectedError(`deliver message refused: ${refused.code}: ${refused.message}`);
      const again = new Set(failed.map((f) => f.id));
      pending = pending.filter((e) => again.has(e.id));
    }
  }
}
