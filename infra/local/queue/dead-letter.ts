/** A message as the redrive policy moves it to the DLQ: its body and the attributes of its last receive. */
import type { StoredMessage } from './message.ts';
import type { DeadLetter } from './types.ts';

export function deadLetterOf(
  message: StoredMessage,
  source: { senderId: string; arn: string; now: number },
): DeadLetter {
  return {
    messageId: message.messageId,
    body: message.body,
    md5OfBody: message.md5OfBody,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: source.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? source.now),
      DeadLetterQueueSourceArn: source.arn,
    },
    messageAttributes: {},
    deadLetteredAt: source.now,
  };
}
