/**
 * Score queue and its event source mapping, defined once: the CDK stack and the local queue stand-in both read
 * these. Changing one changes both.
 */
export const SCORE_FUNCTION_TIMEOUT_SECONDS = 60;

export const QUEUE_SETTINGS = {
  /** SQS messages per score-function invocation. */
  batchSize: 10,
  /** How long the event source mapping may wait to fill a batch. */
  maxBatchingWindowSeconds: 2,
  /** AWS guidance: at least 6× the function timeout, so a throttled batch is not redelivered while in flight. */
  visibilityTimeoutSeconds: 6 * SCORE_FUNCTION_TIMEOUT_SECONDS,
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: 5,
  /** Concurrent score invocations: bounded so on-demand DynamoDB is never flooded (and ≥ 2, the ESM minimum). */
  maxConcurrency: 10,
  /** Keep DLQ messages for the maximum, 14 days, for inspection and redrive. */
  dlqRetentionDays: 14,
  /** Bytes per message we aim below (SQS allows 256 KiB per message and per SendMessageBatch call). */
  maxMessageBytes: 24 * 1024,
  /** Entries per SendMessageBatch call (SQS maximum). */
  sendBatchEntries: 10,
} as const;

export type QueueSettings = typeof QUEUE_SETTINGS;

/** The rescore worker runs as long as Lambda allows: a segment is a long scan, resumed in continuations. */
export const RESCORE_WORKER_TIMEOUT_SECONDS = 900;

/** The rescore queue (one message per segment of a rescore run) and the worker's event source mapping. */
export const RESCORE_QUEUE_SETTINGS = {
  /** One segment per invocation: each may take the whole 15 minutes. */
  batchSize: 1,
  maxBatchingWindowSeconds: 0,
  /** AWS guidance, 6× the function timeout: a segment whose worker died is taken up again after it. */
  visibilityTimeoutSeconds: 6 * RESCORE_WORKER_TIMEOUT_SECONDS,
  maxReceiveCount: 5,
  /** Segments scanned at once: 32 segments in 4 waves keep the table's read rate moderate. */
  maxConcurrency: 8,
  dlqRetentionDays: 14,
} as const;

/**
 * A scenario worker scans one segment in one turn: 1/32 of a table of 10 million items is ~310,000 items, about a
 * minute at DynamoDB's scan rate, so 5 minutes leave room; a failed segment is retried after the visibility timeout.
 */
export const SCENARIO_WORKER_TIMEOUT_SECONDS = 300;

/** The scenario queue (one message per segment of a scenario job) and the worker's event source mapping. */
export const SCENARIO_QUEUE_SETTINGS = {
  /** One segment per invocation. */
  batchSize: 1,
  maxBatchingWindowSeconds: 0,
  /** AWS guidance, 6× the function timeout. */
  visibilityTimeoutSeconds: 6 * SCENARIO_WORKER_TIMEOUT_SECONDS,
  maxReceiveCount: 5,
  /** Segments scanned at once: a job's 32 segments in 4 waves, as the rescore runs. */
  maxConcurrency: 8,
  dlqRetentionDays: 14,
  /** Messages wait at most this long: a job is kept a day, so its segments need not wait longer. */
  retentionDays: 1,
} as const;

/** The portfolio recount function (schedule turn and segment turns alike): Lambda's longest run. */
export const RECOUNT_FUNCTION_TIMEOUT_SECONDS = 900;

/** The recount queue (one message per segment of a fanned-out portfolio recount) and its event source mapping. */
export const RECOUNT_QUEUE_SETTINGS = {
  /** One segment per invocation. */
  batchSize: 1,
  maxBatchingWindowSeconds: 0,
  /** AWS guidance, 6× the function timeout. */
  visibilityTimeoutSeconds: 6 * RECOUNT_FUNCTION_TIMEOUT_SECONDS,
  maxReceiveCount: 3,
  /** Segments scanned at once: a recount reads the whole table, so a few at a time, at night. */
  maxConcurrency: 4,
  dlqRetentionDays: 14,
  /** Messages wait at most this long: the next day's recount repairs what a lost segment would have. */
  retentionDays: 1,
} as const;
