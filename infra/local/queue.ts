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
import type { ScoreQueue } from '../../shared/queue/port.ts';
import { SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../shared/queue/settings.ts';
import { deadLetterOf } from './queue/dead-letter.ts';
import { Drainers } from './queue/drainers.ts';
import { Inventory } from './queue/inventory.ts';
import {
  type HandlerOutcome,
  invocationReport,
  notify,
  runHandler,
  type StoredMessage,
  sqsEventFor,
} from './queue/invocation.ts';
import { validateOptions } from './queue/options.ts';
import {
  buildLambdaContext,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  DEFAULT_SENDER_ID,
  md5OfBody,
  sqsQueueArn,
  sqsQueueUrl,
} from './queue/records.ts';
import type {
  DeadLetter,
  InvocationReport,
  LocalQueueOptions,
  LocalQueueSettings,
  LocalQueueStats,
  LocalSqsHandler,
  QueueClock,
  SendBatchResult,
} from './queue/types.ts';
import { systemClock } from './queue/types.ts';
import {
  assertBatchPayload,
  assertBatchRequest,
  bodyException,
  bodyProblem,
  DEFAULT_MAX_MESSAGE_BYTES,
} from './queue/validation.ts';
import { verdictOf } from './queue/verdict.ts';
import { Wakeup } from './queue/wakeup.ts';

export type {
  DeadLetter,
  InvocationReport,
  LocalQueueOptions,
  LocalQueueSettings,
  LocalQueueStats,
  LocalSqsHandler,
  QueueClock,
  SendBatchResult,
} from './queue/types.ts';
export { systemClock } from './queue/types.ts';
export { judgeResponse } from './queue/verdict.ts';

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

  private readonly inventory: Inventory;
  private readonly deadLetters: DeadLetter[] = [];
  private readonly runs = new Set<Promise<void>>();
  private readonly drainers: Drainers;
  private readonly wakeup: Wakeup;

  private handler: LocalSqsHandler | undefined;
  private windowOpenedAt: number | undefined;
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
    this.drainers = new Drainers(this.clock);
    this.wakeup = new Wakeup(this.clock, () => this.pump());
    this.inventory = new Inventory(this.settings.maxReceiveCount, (message, now) => this.deadLetter(message, now));
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
    this.inventory.add(message);
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
    this.wakeup.cancel();
    await Promise.allSettled([...this.runs]);
    if (this.isIdle()) this.drainers.settle();
    else this.drainers.reject(new Error(`LocalQueue ${this.name} stopped before draining (${this.describe()})`));
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
    return this.drainers.wait(
      options.timeoutMs,
      () => new Error(`LocalQueue ${this.name}: drain timed out after ${options.timeoutMs} ms (${this.describe()})`),
    );
  }

  stats(): LocalQueueStats {
    return {
      ...this.counters,
      inFlight: this.inFlightMessages,
      waiting: this.inventory.visibleCount + this.inventory.invisibleCount,
      visible: this.inventory.visibleCount,
      invisible: this.inventory.invisibleCount,
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
      this.inventory.promoteDue(now);
      while (this.runningInvocations < this.settings.maxConcurrency && this.inventory.visibleCount > 0) {
        this.windowOpenedAt ??= now;
        const full = this.inventory.visibleCount >= this.settings.batchSize;
        const windowOver = now >= this.windowOpenedAt + this.windowMs;
        if (!full && !windowOver) break;
        this.windowOpenedAt = undefined;
        const batch = this.receive(now);
        if (batch.length > 0) this.invoke(batch, now);
      }
      if (this.inventory.visibleCount === 0) this.windowOpenedAt = undefined;
      this.arm(now);
    }
    if (this.isIdle()) this.drainers.settle();
  }

  /** ReceiveMessage on behalf of the ESM: up to batchSize messages, each with a new receipt handle. */
  private receive(now: number): StoredMessage[] {
    const batch = this.inventory.receive(this.settings.batchSize, now);
    this.inFlightMessages += batch.length;
    this.counters.received += batch.length;
    return batch;
  }

  private deadLetter(message: StoredMessage, now: number): void {
    this.deadLetters.push(deadLetterOf(message, { senderId: this.senderId, arn: this.arn, now }));
    this.counters.deadLettered += 1;
  }

  private invoke(batch: StoredMessage[], now: number): void {
    const handler = this.handler;
    if (!handler) return;
    const requestId = randomUUID();
    const event = sqsEventFor(batch, { senderId: this.senderId, arn: this.arn, region: this.region, now });
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
    const timeout = { seconds: this.functionTimeoutSeconds, clock: this.clock };
    const run = runHandler(handler, event, context, timeout).then((outcome) =>
      this.complete(batch, outcome, { requestId, startedAt: now, concurrency }),
    );
    this.runs.add(run);
    void run.finally(() => this.runs.delete(run));
  }

  private complete(
    batch: StoredMessage[],
    outcome: HandlerOutcome,
    invocation: { requestId: string; startedAt: number; concurrency: number },
  ): void {
    const now = this.clock.now();
    const ids = batch.map((message) => message.messageId);
    const verdict = verdictOf(outcome, this.reportBatchItemFailures, ids);

    const failedMessageIds: string[] = [];
    for (const message of batch) {
      const failed = verdict.kind === 'all' || (verdict.kind === 'partial' && verdict.ids.has(message.messageId));
      if (failed) {
        failedMessageIds.push(message.messageId);
        this.inventory.hide(message, Math.max(message.receivedAt + this.visibilityMs, now));
      } else {
        this.inventory.remove(message);
        this.counters.deleted += 1;
      }
    }
    this.inFlightMessages -= batch.length;
    this.runningInvocations -= 1;
    if (verdict.kind === 'all') this.counters.failedInvocations += 1;
    if (verdict.kind === 'partial') this.counters.partialInvocations += 1;
    this.pump();

    notify(this.onInvocation, () => invocationReport(batch, verdict, failedMessageIds, { ...invocation, now }));
  }

  /** Wakes the poller when the batching window closes or the next visibility timeout expires. */
  private arm(now: number): void {
    let wake = Number.POSITIVE_INFINITY;
    if (this.windowOpenedAt !== undefined) wake = this.windowOpenedAt + this.windowMs;
    const next = this.inventory.nextExpiry();
    if (next !== undefined) wake = Math.min(wake, next);
    this.wakeup.set(wake, now);
  }

  private isIdle(): boolean {
    return this.inventory.size === 0 && this.runningInvocations === 0;
  }

  private describe(): string {
    const s = this.stats();
    return `visible ${s.visible}, invisible ${s.invisible}, in flight ${s.inFlight}, deleted ${s.deleted}, dead-lettered ${s.deadLettered}`;
  }
}
