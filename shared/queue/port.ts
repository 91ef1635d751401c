/** The score queue as the application sees it: SQS SendMessageBatch semantics. */
export interface SendBatchFailure {
  id: string;
  code: string;
  message: string;
  senderFault: boolean;
}

/**
 * One message to send. `groupId` is SQS's MessageGroupId: on a standard queue it makes the queue *fair* — a tenant with
 * a large backlog does not delay the messages of the others (SQS fair queues); the pipeline sets it to the tenant.
 */
export interface SendEntry {
  id: string;
  body: string;
  groupId?: string;
  /**
   * SQS's DelaySeconds: the message becomes receivable this long after the send (0–900, SQS's maximum). The notifier
   * schedules its webhook retries with it; a longer wait is made of several hops (shared/notify/attempt.ts).
   */
  delaySeconds?: number;
}

export interface ScoreQueue {
  /** ≤ 10 entries with distinct ids; per-entry failures are returned, not thrown. */
  sendBatch(entries: SendEntry[]): Promise<{ failed: SendBatchFailure[] }>;
}
