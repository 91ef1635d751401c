import { backoffMs } from '../store/retry.ts';
import type { ScoreQueue } from './port.ts';
import { QUEUE_SETTINGS } from './settings.ts';

/** SQS limit on one SendMessageBatch request (all entries together). */
const MAX_BATCH_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 8;

export class QueueSendError extends Error {
  override readonly name = 'QueueSendError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Send message bodies with SendMessageBatch: ≤ 10 entries and ≤ 256 KiB per call; entries that fail on the
 * service's side are resent with backoff and jitter. A sender-fault failure (message invalid) is not retried: it
 * throws, since resending the same body cannot succeed.
 */
export async function sendMessages(queue: ScoreQueue, bodies: Iterable<string>): Promise<number> {
  let sent = 0;
  let group: { id: string; body: string }[] = [];
  let groupBytes = 0;
  const flush = async () => {
    let pending = group;
    group = [];
    groupBytes = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const { failed } = await queue.sendBatch(pending);
      const fatal = failed.find((f) => f.senderFault);
      if (fatal) throw new QueueSendError(`message rejected by the queue: ${fatal.code}: ${fatal.message}`);
      sent += pending.length - failed.length;
      if (failed.length === 0) return;
      if (attempt + 1 >= MAX_ATTEMPTS)
        throw new QueueSendError(`${failed.length} message(s) not sent after ${MAX_ATTEMPTS} attempts`);
      const retry = new Set(failed.map((f) => f.id));
      pending = pending.filter((e) => retry.has(e.id));
      await sleep(backoffMs(attempt));
    }
  };
  for (const body of bodies) {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (group.length >= QUEUE_SETTINGS.sendBatchEntries || (group.length > 0 && groupBytes + bytes > MAX_BATCH_BYTES))
      await flush();
    group.push({ id: String(group.length), body });
    groupBytes += bytes;
  }
  if (group.length > 0) await flush();
  return sent;
}
