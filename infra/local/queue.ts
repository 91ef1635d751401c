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
 * - DelaySeconds (0–900 per message): a delayed message is on the queue (counted as invisible) but first receivable
 *   once its delay has passed; the notifier schedules webhook retries with it.
 *
 * `timeScale` compresses the queue's waits (visibility timeout, batching window, delays) so a 360 s timeout takes
 * 360 ms at 0.001. It does not compress the handler's own run time, which is real: the function timeout is enforced in real
 * milliseconds, and a message is never redelivered while the invocation holding it still runs (on AWS the ESM
 * guarantees this by requiring visibility timeout ≥ function timeout; scaling only one of them must not break it).
 *
 * With a `journal` (queue/journal.ts) the queue survives its process: sends are on disk before they resolve, and a
 * restart brings back every message not deleted or dead-lettered, receive counts and the DLQ included.
 */
import { randomUUID } from 'node:crypto';
import type { ScoreQueue, SendEntry } from '../../shared/queue/port.ts';
import { deadLetterOf } from './queue/dead-letter.ts';
import { Drainers } from './queue/drainers.ts';
import { Inventory } from './queue/inventory.ts';
import { type HandlerOutcome, invocationReport, notify, runHandler, sqsEventFor } from './queue/invocation.ts';
import type { QueueJournal } from './queue/journal.ts';
import { sendRecordOf } from './queue/journal-image.ts';
import { newMessage, type StoredMessage } from './queue/message.ts';
import { type ResolvedOptions, resolveOptions } from './queue/options.ts';
import { buildLambdaContext, sqsQueueArn, sqsQueueUrl } from './queue/records.ts';
import type {
  DeadLetter,
  LocalQueueOptions,
  LocalQueueSettings,
  LocalQueueStats,
  LocalSqsHandler,
  QueueClock,
  SendBatchResult,
} from './queue/types.ts';
import { assertBatchPayload, assertBatchRequest, bodyException, entryProblem } from './queue/validation.ts';
import { verdictOf } from './queue/verdict.ts';
import { Wakeup } from './queue/wakeup.ts';

export * from './queue/types.ts';
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
  private readonly config: ResolvedOptions;

  private readonly inventory: Inventory;
  private readonly deadLetters: DeadLetter[] = [];
  private readonly journal: QueueJournal | undefined;
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
    recovered: 0,
    received: 0,
    deleted: 0,
    deadLettered: 0,
    invocations: 0,
    failedInvocations: 0,
    partialInvocations: 0,
    peakConcurrency: 0,
  };

  constructor(options: LocalQueueOptions) {
    const config = resolveOptions(options);
    this.config = config;
    ({ name: this.name, region: this.region, accountId: this.accountId, settings: this.settings } = config);
    ({ timeScale: this.timeScale, functionName: this.functionName, clock: this.clock } = config);
    this.drainers = new Drainers(this.clock);
    this.wakeup = new Wakeup(this.clock, () => this.pump());
    this.inventory = new Inventory(this.settings.maxReceiveCount, (message, now) => this.deadLetter(message, now));
    this.arn = sqsQueueArn(this.region, this.accountId, this.name);
    this.url = sqsQueueUrl(this.region, this.accountId, this.name);
    this.journal = config.journal;
    this.recover();
  }

  /**
   * Takes back what the journal held at open. Messages in flight when the last run ended come back visible at once:
   * their visibility timeout only guards a consumer still working on them, and none from that run is left.
   */
  private recover(): void {
    const recovered = this.journal?.recovered;
    if (!recovered) return;
    const now = this.clock.now();
    for (const message of recovered.messages)
      this.inventory.add({ ...message, receiptHandle: undefined, receivedAt: 0 }, now);
    this.deadLetters.push(...recovered.deadLetters);
    this.counters.recovered = recovered.messages.length;
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** SendMessageBatch. Request-level problems throw (SDK exception classes); entry problems come back in `failed`. */
  async sendBatch(entries: SendEntry[]): Promise<SendBatchResult> {
    assertBatchRequest(entries);
    const result: SendBatchResult = { successful: [], failed: [] };
    const accepted: SendEntry[] = [];
    for (const entry of entries) {
      const problem = entryProblem(entry, this.config.maximumMessageSize);
      if (problem) result.failed.push({ id: entry.id, ...problem, senderFault: true });
      else accepted.push(entry);
    }
    assertBatchPayload(
      accepted.map((entry) => entry.body),
      this.config.maxBatchPayloadBytes,
    );
    const messages = await this.enqueue(accepted);
    accepted.forEach((entry, i) => {
      const message = messages[i] as StoredMessage;
      result.successful.push({ id: entry.id, messageId: message.messageId, md5OfMessageBody: message.md5OfBody });
    });
    return result;
  }

  /** SendMessage: one message; an invalid body throws. */
  async send(body: string): Promise<{ messageId: string; md5OfMessageBody: string }> {
    const problem = entryProblem({ body }, this.config.maximumMessageSize);
    if (problem) throw bodyException(problem);
    const [message] = (await this.enqueue([{ body }])) as [StoredMessage];
    return { messageId: message.messageId, md5OfMessageBody: message.md5OfBody };
  }

  /** With a journal, the messages are on disk before they are on the queue (and before the send resolves). */
  private async enqueue(entries: { body: string; delaySeconds?: number }[]): Promise<StoredMessage[]> {
    const now = this.clock.now();
    // A delay is scaled like the visibility timeout: 900 s at timeScale 0.001 is 0.9 s.
    const delayed = (s: number | undefined) => (s ? now + s * 1000 * this.timeScale : undefined);
    const messages = entries.map((entry) => newMessage(entry.body, now, delayed(entry.delaySeconds)));
    if (this.journal) await this.journal.append(messages.map(sendRecordOf));
    for (const message of messages) this.inventory.add(message, now);
    this.counters.sent += messages.length;
    this.kick();
    return messages;
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
    if (this.isIdle()) this.drainers.settle(() => this.journal?.append([]));
    else this.drainers.reject(new Error(`LocalQueue ${this.name} stopped before draining (${this.describe()})`));
  }

  /** Stops, then closes the journal (once what was appended is synced): the queue takes no more messages. */
  async close(): Promise<void> {
    await this.stop();
    await this.journal?.close();
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
    if (this.isIdle()) this.drainers.settle(() => this.journal?.append([]));
  }

  /** ReceiveMessage on behalf of the ESM: up to batchSize messages, each with a new receipt handle. */
  private receive(now: number): StoredMessage[] {
    const batch = this.inventory.receive(this.settings.batchSize, now);
    this.inFlightMessages += batch.length;
    this.counters.received += batch.length;
    return batch;
  }

  private deadLetter(message: StoredMessage, now: number): void {
    const letter = deadLetterOf(message, { senderId: this.config.senderId, arn: this.arn, now });
    this.deadLetters.push(letter);
    this.journal?.record([{ op: 'dlq', letter }]);
    this.counters.deadLettered += 1;
  }

  private invoke(batch: StoredMessage[], now: number): void {
    const handler = this.handler;
    if (!handler) return;
    const requestId = randomUUID();
    const event = sqsEventFor(batch, { senderId: this.config.senderId, arn: this.arn, region: this.region, now });
    const context = buildLambdaContext({
      functionName: this.functionName,
      region: this.region,
      accountId: this.accountId,
      timeoutMs: this.config.functionTimeoutSeconds * 1000,
      ...(this.config.memoryLimitInMB === undefined ? {} : { memoryLimitInMB: this.config.memoryLimitInMB }),
      awsRequestId: requestId,
      startedAt: now,
      now: () => this.clock.now(),
    });
    this.runningInvocations += 1;
    this.counters.invocations += 1;
    this.counters.peakConcurrency = Math.max(this.counters.peakConcurrency, this.runningInvocations);
    const concurrency = this.runningInvocations;
    const timeout = { seconds: this.config.functionTimeoutSeconds, clock: this.clock };
    // The receive is on disk before the handler sees the messages: a message that kills the process is still
    // counted, so maxReceiveCount ends a crash loop as it ends a failure loop.
    const received = this.journal?.append([{ op: 'recv', ids: batch.map((m) => m.messageId), at: now }]);
    const started: Promise<HandlerOutcome> = received
      ? received.then(
          () => runHandler(handler, event, context, timeout),
          (error: unknown) => ({ ok: false, reason: 'error', error }),
        )
      : runHandler(handler, event, context, timeout);
    const run = started.then((outcome) => this.complete(batch, outcome, { requestId, startedAt: now, concurrency }));
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
    const verdict = verdictOf(outcome, this.config.reportBatchItemFailures, ids);

    const failedMessageIds: string[] = [];
    const deleted: string[] = [];
    for (const message of batch) {
      const failed = verdict.kind === 'all' || (verdict.kind === 'partial' && verdict.ids.has(message.messageId));
      if (failed) {
        failedMessageIds.push(message.messageId);
        this.inventory.hide(message, Math.max(message.receivedAt + this.visibilityMs, now));
      } else {
        this.inventory.remove(message);
        deleted.push(message.messageId);
      }
    }
    this.counters.deleted += deleted.length;
    if (deleted.length > 0) this.journal?.record([{ op: 'del', ids: deleted }]);
    this.inFlightMessages -= batch.length;
    this.runningInvocations -= 1;
    if (verdict.kind === 'all') this.counters.failedInvocations += 1;
    if (verdict.kind === 'partial') this.counters.partialInvocations += 1;
    this.pump();

    notify(this.config.onInvocation, () => invocationReport(batch, verdict, failedMessageIds, { ...invocation, now }));
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
