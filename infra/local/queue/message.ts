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
}

/** A message just sent: new id, never received. */
export function newMessage(body: string, now: number): StoredMessage {
  return {
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
