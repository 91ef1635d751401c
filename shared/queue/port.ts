/** The score queue as the application sees it: SQS SendMessageBatch semantics. */
export interface SendBatchFailure {
  id: string;
  code: string;
  message: string;
  senderFault: boolean;
}

export interface ScoreQueue {
  /** ≤ 10 entries with distinct ids; per-entry failures are returned, not thrown. */
  sendBatch(entries: { id: string; body: string }[]): Promise<{ failed: SendBatchFailure[] }>;
}
