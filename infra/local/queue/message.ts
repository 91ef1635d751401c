/** A message as the local queue holds it, from SendMessage until it is deleted or dead-lettered. */
import { randomUUID } from 'node:crypto';
import { md5OfBody } from './records.ts';

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  receiptHandle: string | undefined;
  receivedAt: number;
  /** Sent with DelaySeconds: first receivable at this time (epoch ms). */
  readonly visibleAt?: number | undefined;
}

/** A message just sent: new id, never received; receivable from `visibleAt` when it was sent with a delay. */
export function newMessage(body: string, now: number, visibleAt?: number): StoredMessage {
  return {
    ...(visibleAt === undefined ? {} : { visibleAt }),
    messageId: randomUUID(),
    body,
    md5OfBody: md5OfBody(body),
    sentTimestamp: now,
    receiveCount: 0,
    firstReceiveTimestamp: undefined,
    receiptHandle: undefined,
    receivedAt: 0,
  };
}
