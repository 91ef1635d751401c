/**
 * In-process stand-in for an SQS standard queue plus the Lambda SQS event source mapping (ESM) that drives a
 * function from it. It hands the real handler real SQS events and keeps the semantics the pipeline depends on:
 *
 * - SendMessage / SendMessageBatch validation (≤ 10 distinct, well-formed ids; body size and characters; batch size),
 *   with request-level errors thrown as the SDK's own exception classes and entry-level errors returned.
 * - ESM polling: batches of up to `batchSize`, a batching window that waits to fill a batch, at most
 *   `maxConcurrency` concurrent invocations, the function timeout enforced.
 * - Visibility timeout: a received message is invisible for `visibilityTimeoutSeconds` from its receive; failed
 *   messages come back when it expires (the ESM does not shorten it). Every receive increments
 *   `ApproximateReceiveCount` and issues a new receipt handle.
 * - `ReportBatchItemFailures`: only the reported items stay; an empty, unknown or malformed `itemIdentifier`, a
 *   malformed response, a thrown error or a timeout fails the whole batch, as Lambda does.
 * - Redrive policy: a message that would be received more than `maxReceiveCount` times moves to the DLQ instead,
 *   keeping its id, body and attributes (plus `DeadLetterQueueSourceArn`).
 *
 * `timeScale` compresses the queue's waits (visibility timeout, batching window) so a 360 s timeout takes 360 ms at
 * 0.001. It does not compress the handler's own run time, which is real: the function timeout is enforced in real
 * milliseconds, and a message is never redelivered while the invocation holding it still runs (on AWS the ESM
 * guarantees this by requiring visibility timeout ≥ function timeout; scaling only one of them must not break it).
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecordAttributes } from 'aws-lambda';
import type { ScoreQueue, SendBatchFailure } from '../../shared/queue/port.ts';
import { SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import {
  buildLambdaContext,
  buildSqsRecord,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  DEFAULT_SENDER_ID,
  md5OfBody,
  newReceiptHandle,
  sqsQueueArn,
  sqsQueueUrl,
} from './queue/records.ts';
import { Fifo, MinHeap } from './queue/structures.ts';
import {
  assertBatchPayload,
  assertBatchRequest,
  bodyException,
  bodyProblem,
  DEFAULT_MAX_MESSAGE_BYTES,
} from './queue/validation.ts';

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
type HandlerResult = SQSBatchResponse | undefined | void;

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

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  receiptHandle: string | undefined;
  receivedAt: number;
}

type HandlerOutcome = { ok: true; value: unknown } | { ok: false; reason: 'error' | 'timeout'; error: unknown };

interface DrainWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: unknown;
}

export class LocalQueue implements ScoreQueue {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly arn: string;
  readonly url: string;
  readonly settings: Readonly<LocalQueueSettings>;
  readonly timeScale: number;
  readonly functionName: string;

  private readonly clock: QueueClock;
  private readonly functionTimeoutSeconds: number;
  private readonly memoryLimitInMB: number | undefined;
  private readonly reportBatchItemFailures: boolean;
  private readonly maximumMessageSize: number;
  private readonly maxBatchPayloadBytes: number;
  private readonly senderId: string;
  private readonly onInvocation: ((report: InvocationReport) => void) | undefined;

  private readonly messages = new Map<string, StoredMessage>();
  private readonly visible = new Fifo<StoredMessage>();
  private readonly invisible = new MinHeap<StoredMessage>();
  private readonly deadLetters: DeadLetter[] = [];
  private readonly runs = new Set<Promise<void>>();
  private readonly drainers = new Set<DrainWaiter>();

  private handler: LocalSqsHandler | undefined;
  private windowOpenedAt: number | undefined;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private kickPending = false;
  private inFlightMessages = 0;
  private runningInvocations = 0;
  private counters = {
    sent: 0,
    received: 0,
    deleted: 0,
    deadLettered: 0,
    invocations: 0,
    failedInvocations: 0,
    partialInvocations: 0,
    peakConcurrency: 0,
  };

  constructor(options: LocalQueueOptions) {
    this.name = options.name;
    this.region = options.region ?? DEFAULT_REGION;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.settings = Object.freeze({ ...options.settings });
    this.timeScale = options.timeScale ?? 1;
    this.functionName = options.functionName ?? `${options.name}-consumer`;
    this.functionTimeoutSeconds = options.functionTimeoutSeconds ?? SCORE_FUNCTION_TIMEOUT_SECONDS;
    this.memoryLimitInMB = options.memoryLimitInMB;
    this.reportBatchItemFailures = options.reportBatchItemFailures ?? true;
    this.maximumMessageSize = options.maximumMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxBatchPayloadBytes = options.maxBatchPayloadBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.senderId = options.senderId ?? DEFAULT_SENDER_ID;
    this.clock = options.clock ?? systemClock;
    this.onInvocation = options.onInvocation;
    validateOptions(this.name, this.settings, this.timeScale, this.functionTimeoutSeconds);
    this.arn = sqsQueueArn(this.region, this.accountId, this.name);
    this.url = sqsQueueUrl(this.region, this.accountId, this.name);
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** SendMessageBatch. Request-level problems throw (SDK exception classes); entry problems come back in `failed`. */
  async sendBatch(entries: { id: string; body: string }[]): Promise<SendBatchResult> {
    assertBatchRequest(entries);
    const result: SendBatchResult = { successful: [], failed: [] };
    const accepted: { id: string; body: string }[] = [];
    for (const entry of entries) {
      const problem = bodyProblem(entry.body, this.maximumMessageSize);
      if (problem) result.failed.push({ id: entry.id, ...problem, senderFault: true });
      else accepted.push(entry);
    }
    assertBatchPayload(
      accepted.map((entry) => entry.body),
      this.maxBatchPayloadBytes,
    );
    for (const entry of accepted) {
      const message = this.enqueue(entry.body);
      result.successful.push({ id: entry.id, messageId: message.messageId, md5OfMessageBody: message.md5OfBody });
    }
    return result;
  }

  /** SendMessage: one message; an invalid body throws. */
  async send(body: string): Promise<{ messageId: string; md5OfMessageBody: string }> {
    const problem = bodyProblem(body, this.maximumMessageSize);
    if (problem) throw bodyException(problem);
    const message = this.enqueue(body);
    return { messageId: message.messageId, md5OfMessageBody: message.md5OfBody };
  }

  private enqueue(body: string): StoredMessage {
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      sentTimestamp: this.clock.now(),
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptHandle: undefined,
      receivedAt: 0,
    };
    this.messages.set(message.messageId, message);
    this.visible.push(message);
    this.counters.sent += 1;
    this.kick();
    return message;
  }

  // ── the event source mapping ─────────────────────────────────────────────────────────────────────────────────

  /** Enables the event source mapping: from now on the handler receives the queue's messages. */
  attach(handler: LocalSqsHandler): void {
    if (this.handler) throw new Error(`LocalQueue ${this.name}: a handler is already attached; stop() first`);
    this.handler = handler;
    this.kick();
  }

  /**
   * Disables the event source mapping: no new invocations; resolves once running invocations have settled.
   * Messages stay on the queue (attach again to resume). Pending `drain()` calls reject unless the queue is empty.
   */
  async stop(): Promise<void> {
    this.handler = undefined;
    this.windowOpenedAt = undefined;
    this.disarm();
    await Promise.allSettled([...this.runs]);
    if (this.isIdle()) this.settleDrainers();
    else this.rejectDrainers(new Error(`LocalQueue ${this.name} stopped before draining (${this.describe()})`));
  }

  /**
   * Resolves when no message is visible, invisible or in flight: every message deleted or dead-lettered. Rejects
   * when no handler is attached (nothing would ever drain), on `stop()`, or after `timeoutMs` real milliseconds.
   */
  drain(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    if (!this.handler) {
      return Promise.reject(
        new Error(`LocalQueue ${this.name}: no handler attached, cannot drain (${this.describe()})`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: DrainWaiter = { resolve, reject, timer: undefined };
      if (options.timeoutMs !== undefined) {
        waiter.timer = this.clock.setTimeout(() => {
          this.drainers.delete(waiter);
          reject(
            new Error(`LocalQueue ${this.name}: drain timed out after ${options.timeoutMs} ms (${this.describe()})`),
          );
        }, options.timeoutMs);
      }
      this.drainers.add(waiter);
    });
  }

  stats(): LocalQueueStats {
    return {
      ...this.counters,
      inFlight: this.inFlightMessages,
      waiting: this.visible.size + this.invisible.size,
      visible: this.visible.size,
      invisible: this.invisible.size,
      runningInvocations: this.runningInvocations,
    };
  }

  /** The dead-letter queue, oldest first. */
  get dlq(): readonly DeadLetter[] {
    return this.deadLetters;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────────────────

  private kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    queueMicrotask(() => {
      this.kickPending = false;
      this.pump();
    });
  }

  private get visibilityMs(): number {
    return this.settings.visibilityTimeoutSeconds * 1000 * this.timeScale;
  }

  private get windowMs(): number {
    return this.settings.maxBatchingWindowSeconds * 1000 * this.timeScale;
  }

  /** One poller step: expire visibility timeouts, dead-letter, open/close batching windows, invoke. */
  private pump(): void {
    if (this.handler) {
      const now = this.clock.now();
      this.promoteDue(now);
      while (this.runningInvocations < this.settings.maxConcurrency && this.visible.size > 0) {
        this.windowOpenedAt ??= now;
        const full = this.visible.size >= this.settings.batchSize;
        const windowOver = now >= this.windowOpenedAt + this.windowMs;
        if (!full && !windowOver) break;
        this.windowOpenedAt = undefined;
        const batch = this.receive(now);
        if (batch.length > 0) this.invoke(batch, now);
      }
      if (this.visible.size === 0) this.windowOpenedAt = undefined;
      this.arm(now);
    }
    if (this.isIdle()) this.settleDrainers();
  }

  /** Messages whose visibility timeout expired become visible, or go to the DLQ if they used up their receives. */
  private promoteDue(now: number): void {
    for (;;) {
      const key = this.invisible.peekKey();
      if (key === undefined || key > now) return;
      const message = this.invisible.pop();
      if (message === undefined) return;
      if (message.receiveCount >= this.settings.maxReceiveCount) this.deadLetter(message, now);
      else this.visible.push(message);
    }
  }

  /** ReceiveMessage on behalf of the ESM: up to batchSize messages, each with a new receipt handle. */
  private receive(now: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    while (batch.length < this.settings.batchSize) {
      const message = this.visible.shift();
      if (message === undefined) break;
      if (message.receiveCount >= this.settings.maxReceiveCount) {
        this.deadLetter(message, now);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.receiptHandle = newReceiptHandle();
      message.receivedAt = now;
      batch.push(message);
    }
    this.inFlightMessages += batch.length;
    this.counters.received += batch.length;
    return batch;
  }

  private deadLetter(message: StoredMessage, now: number): void {
    this.messages.delete(message.messageId);
    this.deadLetters.push({
      messageId: message.messageId,
      body: message.body,
      md5OfBody: message.md5OfBody,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: this.senderId,
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? now),
        DeadLetterQueueSourceArn: this.arn,
      },
      messageAttributes: {},
      deadLetteredAt: now,
    });
    this.counters.deadLettered += 1;
  }

  private invoke(batch: StoredMessage[], now: number): void {
    const handler = this.handler;
    if (!handler) return;
    const requestId = randomUUID();
    const event: SQSEvent = {
      Records: batch.map((message) =>
        buildSqsRecord({
          messageId: message.messageId,
          body: message.body,
          receiptHandle: message.receiptHandle ?? newReceiptHandle(),
          receiveCount: message.receiveCount,
          sentTimestamp: message.sentTimestamp,
          firstReceiveTimestamp: message.firstReceiveTimestamp ?? now,
          senderId: this.senderId,
          eventSourceARN: this.arn,
          awsRegion: this.region,
        }),
      ),
    };
    const context = buildLambdaContext({
      functionName: this.functionName,
      region: this.region,
      accountId: this.accountId,
      timeoutMs: this.functionTimeoutSeconds * 1000,
      ...(this.memoryLimitInMB === undefined ? {} : { memoryLimitInMB: this.memoryLimitInMB }),
      awsRequestId: requestId,
      startedAt: now,
      now: () => this.clock.now(),
    });
    this.runningInvocations += 1;
    this.counters.invocations += 1;
    this.counters.peakConcurrency = Math.max(this.counters.peakConcurrency, this.runningInvocations);
    const concurrency = this.runningInvocations;
    const run = this.runHandler(handler, event, context).then((outcome) =>
      this.complete(batch, outcome, { requestId, startedAt: now, concurrency }),
    );
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
  }

  /** Runs the handler under the function timeout. A timed-out handler keeps running but its result is ignored. */
  private runHandler(handler: LocalSqsHandler, event: SQSEvent, context: Context): Promise<HandlerOutcome> {
    return new Promise<HandlerOutcome>((resolve) => {
      let settled = false;
      const timer = this.clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        const seconds = this.functionTimeoutSeconds.toFixed(2);
        resolve({ ok: false, reason: 'timeout', error: new Error(`Task timed out after ${seconds} seconds`) });
      }, this.functionTimeoutSeconds * 1000);
      Promise.resolve()
        .then(() => handler(event, context))
        .then(
          (value: unknown) => {
            if (settled) return;
            settled = true;
            this.clock.clearTimeout(timer);
            resolve({ ok: true, value });
          },
          (error: unknown) => {
            if (settled) return;
            settled = true;
            this.clock.clearTimeout(timer);
            resolve({ ok: false, reason: 'error', error });
          },
        );
    });
  }

  private complete(
    batch: StoredMessage[],
    outcome: HandlerOutcome,
    invocation: { requestId: string; startedAt: number; concurrency: number },
  ): void {
    const now = this.clock.now();
    const verdict: Verdict = outcome.ok
      ? this.reportBatchItemFailures
        ? judgeResponse(
            outcome.value,
            batch.map((message) => message.messageId),
          )
        : { kind: 'success' }
      : { kind: 'all', reason: outcome.reason, error: outcome.error };

    const failedMessageIds: string[] = [];
    for (const message of batch) {
      const failed = verdict.kind === 'all' || (verdict.kind === 'partial' && verdict.ids.has(message.messageId));
      if (failed) {
        failedMessageIds.push(message.messageId);
        this.invisible.push(Math.max(message.receivedAt + this.visibilityMs, now), message);
      } else {
        this.messages.delete(message.messageId);
        this.counters.deleted += 1;
      }
    }
    this.inFlightMessages -= batch.length;
    this.runningInvocations -= 1;
    if (verdict.kind === 'all') this.counters.failedInvocations += 1;
    if (verdict.kind === 'partial') this.counters.partialInvocations += 1;
    this.pump();

    if (this.onInvocation) {
      const report: InvocationReport = {
        requestId: invocation.requestId,
        messageIds: batch.map((message) => message.messageId),
        startedAt: invocation.startedAt,
        durationMs: now - invocation.startedAt,
        concurrency: invocation.concurrency,
        outcome: verdict.kind === 'all' ? 'failed' : verdict.kind,
        failedMessageIds,
        ...(verdict.kind === 'all' ? { reason: verdict.reason, error: verdict.error } : {}),
      };
      try {
        this.onInvocation(report);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private arm(now: number): void {
    let wake = Number.POSITIVE_INFINITY;
    if (this.windowOpenedAt !== undefined) wake = this.windowOpenedAt + this.windowMs;
    const next = this.invisible.peekKey();
    if (next !== undefined) wake = Math.min(wake, next);
    if (wake === this.timerAt && this.timer !== undefined) return;
    this.disarm();
    if (!Number.isFinite(wake)) return;
    this.timerAt = wake;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, Math.ceil(wake - now)),
    );
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private isIdle(): boolean {
    return this.messages.size === 0 && this.runningInvocations === 0;
  }

  private settleDrainers(): void {
    for (const waiter of this.drainers) {
      if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.drainers.clear();
  }

  private rejectDrainers(error: Error): void {
    for (const waiter of this.drainers) {
      if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.drainers.clear();
  }

  private describe(): string {
    const s = this.stats();
    return `visible ${s.visible}, invisible ${s.invisible}, in flight ${s.inFlight}, deleted ${s.deleted}, dead-lettered ${s.deadLettered}`;
  }
}

type Verdict =
  | { kind: 'success' }
  | { kind: 'partial'; ids: Set<string> }
  | { kind: 'all'; reason: 'error' | 'timeout' | 'invalid-response'; error: unknown };

/**
 * Reads a handler's response as the ESM does with ReportBatchItemFailures: the response goes through JSON; null,
 * an object without `batchItemFailures`, or an empty list is a full success; anything it cannot use fails the whole
 * batch (not JSON-serialisable, not an object, a list that is not a list, an item without a non-empty
 * `itemIdentifier` naming a message of this batch).
 */
export function judgeResponse(response: unknown, batchMessageIds: readonly string[]): Verdict {
  const invalid = (why: string): Verdict => ({
    kind: 'all',
    reason: 'invalid-response',
    error: new Error(`Invalid batch response: ${why}`),
  });
  let parsed: unknown;
  try {
    const json = JSON.stringify(response);
    parsed = json === undefined ? null : JSON.parse(json);
  } catch (error) {
    return invalid(`not serialisable as JSON (${String(error)})`);
  }
  if (parsed === null) return { kind: 'success' };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('not an object');
  const failures = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return invalid('batchItemFailures is not a list');
  if (failures.length === 0) return { kind: 'success' };
  const inBatch = new Set(batchMessageIds);
  const ids = new Set<string>();
  for (const item of failures) {
    const id =
      typeof item === 'object' && item !== null ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') return invalid(`itemIdentifier ${JSON.stringify(id)} is null or empty`);
    if (!inBatch.has(id)) return invalid(`itemIdentifier ${JSON.stringify(id)} is not a message of this batch`);
    ids.add(id);
  }
  return { kind: 'partial', ids };
}

/** The limits CreateEventSourceMapping and the SQS queue attributes enforce. */
function validateOptions(
  name: string,
  settings: LocalQueueSettings,
  timeScale: number,
  functionTimeoutSeconds: number,
): void {
  const fail = (message: string): never => {
    throw new RangeError(`LocalQueue ${name}: ${message}`);
  };
  const integer = (value: number, min: number, max: number, what: string) => {
    if (!Number.isInteger(value) || value < min || value > max)
      fail(`${what} must be an integer in ${min}..${max}, got ${value}`);
  };
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) fail('a queue name has 1–80 alphanumerics, hyphens or underscores');
  integer(settings.batchSize, 1, 10_000, 'batchSize');
  integer(settings.maxBatchingWindowSeconds, 0, 300, 'maxBatchingWindowSeconds');
  integer(settings.visibilityTimeoutSeconds, 0, 43_200, 'visibilityTimeoutSeconds');
  integer(settings.maxReceiveCount, 1, 1000, 'maxReceiveCount');
  integer(settings.maxConcurrency, 2, 1000, 'maxConcurrency (the ESM minimum is 2)');
  if (settings.batchSize > 10 && settings.maxBatchingWindowSeconds < 1) {
    fail('a batchSize above 10 needs maxBatchingWindowSeconds ≥ 1');
  }
  if (!(functionTimeoutSeconds > 0 && functionTimeoutSeconds <= 900))
    fail('functionTimeoutSeconds must be in (0, 900]');
  if (settings.visibilityTimeoutSeconds < functionTimeoutSeconds) {
    fail(
      `queue visibility timeout ${settings.visibilityTimeoutSeconds} s is less than function timeout ${functionTimeoutSeconds} s`,
    );
  }
  if (!(timeScale > 0 && Number.isFinite(timeScale))) fail(`timeScale must be a positive number, got ${timeScale}`);
}
