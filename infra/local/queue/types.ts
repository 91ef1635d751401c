/** The local queue's public shapes: options, the handler it drives, what it reports. */
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecordAttributes } from 'aws-lambda';
import type { SendBatchFailure } from '../../../shared/queue/port.ts';
import type { QueueJournal } from './journal.ts';

/** The subset of `QUEUE_SETTINGS` the queue and its event source mapping use. */
export interface LocalQueueSettings {
  batchSize: number;
  maxBatchingWindowSeconds: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  maxConcurrency: number;
}

/** Time source and timers; inject one for deterministic tests. The default reads the globals at call time. */
export interface QueueClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: QueueClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LocalQueueOptions {
  /** Queue name (the ARN's last part). */
  name: string;
  settings: LocalQueueSettings;
  region?: string;
  accountId?: string;
  /** Multiplies the queue's waits (visibility timeout, batching window). Default 1. */
  timeScale?: number;
  /** Function the ESM invokes (context.functionName). Default `${name}-consumer`. */
  functionName?: string;
  /** Function timeout, real seconds (not scaled): enforced, and reported by getRemainingTimeInMillis. Default 60. */
  functionTimeoutSeconds?: number;
  memoryLimitInMB?: number;
  /** The ESM's `FunctionResponseTypes: ['ReportBatchItemFailures']`. Default true; false ignores the response. */
  reportBatchItemFailures?: boolean;
  /** The queue's MaximumMessageSize. Default 262,144 (AWS has allowed up to 1 MiB since 2025). */
  maximumMessageSize?: number;
  /** Sum of bodies per SendMessageBatch call. Default 262,144 (AWS: 1 MiB since 2025). */
  maxBatchPayloadBytes?: number;
  /** The SenderId attribute on every message. */
  senderId?: string;
  clock?: QueueClock;
  /** Called after every invocation settles; for progress output and tests. */
  onInvocation?: (report: InvocationReport) => void;
  /**
   * Keeps the queue on disk: an opened journal. The queue starts with the messages and dead letters it recovered and
   * records every send (on disk before the send resolves), receive, delete and dead-lettering in it. Default: memory.
   */
  journal?: QueueJournal;
}

/**
 * The handler the ESM invokes, as in the brief: `(event, context) => Promise<SQSBatchResponse | void>`. Extra
 * parameters are tolerated so a middy handler or an `SQSHandler` can be passed as is.
 */
export type LocalSqsHandler = (
  event: SQSEvent,
  context: Context,
  ...rest: never[]
) => Promise<HandlerResult> | HandlerResult;

// biome-ignore lint/suspicious/noConfusingVoidType: the aws-lambda contract is Promise<SQSBatchResponse | void>
export type HandlerResult = SQSBatchResponse | undefined | void;

export interface InvocationReport {
  requestId: string;
  messageIds: string[];
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  /** Invocations running when this one started, itself included. */
  concurrency: number;
  outcome: 'success' | 'partial' | 'failed';
  /** Messages left on the queue for redelivery (all of them when the whole batch failed). */
  failedMessageIds: string[];
  /** Why the whole batch failed. */
  reason?: 'error' | 'timeout' | 'invalid-response';
  error?: unknown;
}

/** A message moved to the dead-letter queue: the original message with its attributes at the last receive. */
export interface DeadLetter {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: SQSRecordAttributes;
  messageAttributes: SQSMessageAttributes;
  /** Epoch ms. */
  deadLetteredAt: number;
}

export interface LocalQueueStats {
  /** Messages accepted by send/sendBatch. */
  sent: number;
  /** Messages taken back from the journal at start (waiting or in flight when the last run ended). */
  recovered: number;
  /** Deliveries: one per message per receive. */
  received: number;
  deleted: number;
  deadLettered: number;
  /** Messages held by running invocations. */
  inFlight: number;
  /** Messages on the queue and not in flight: visible + invisible. */
  waiting: number;
  /** Waiting and receivable now. */
  visible: number;
  /** Waiting for their visibility timeout to expire (failed, not yet redelivered). */
  invisible: number;
  invocations: number;
  /** Invocations whose whole batch failed (error, timeout, malformed response). */
  failedInvocations: number;
  /** Invocations that reported some batch item failures. */
  partialInvocations: number;
  runningInvocations: number;
  peakConcurrency: number;
}

export interface SendBatchResult {
  successful: { id: string; messageId: string; md5OfMessageBody: string }[];
  failed: SendBatchFailure[];
}
