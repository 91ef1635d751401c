/**
 * The notify queue and the notifier's event source mapping (issue 10), defined once: the CDK stack and the local
 * runtime both read these.
 */

/** An attempt waits at most 10 s for its receiver (shared/webhooks/deliver.ts); a batch runs its records at once. */
export const NOTIFIER_TIMEOUT_SECONDS = 60;

export const NOTIFY_QUEUE_SETTINGS = {
  /** Records per invocation, attempted concurrently: ten endpoints at once per invocation at most. */
  batchSize: 10,
  /** A change should reach its webhooks within seconds: a short window. */
  maxBatchingWindowSeconds: 1,
  /** AWS guidance: at least 6× the function timeout. */
  visibilityTimeoutSeconds: 6 * NOTIFIER_TIMEOUT_SECONDS,
  /**
   * Receives before a message moves to the notify DLQ. A receiver's failure never fails a message (it is recorded and
   * scheduled); only the store or the queue being down does, so a message there is an outage, not a bad endpoint.
   */
  maxReceiveCount: 5,
  /** Concurrent notifier invocations: a burst of a policy revision's changes never floods the table or receivers. */
  maxConcurrency: 10,
  dlqRetentionDays: 14,
  /** A waiting retry is a chain of messages of at most 15 minutes each: none waits long. */
  retentionDays: 4,
} as const;
