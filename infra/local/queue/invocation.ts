/** One invocation of the function the event source mapping drives: its event, and its run under the timeout. */
import type { Context, SQSEvent } from 'aws-lambda';
import type { StoredMessage } from './message.ts';
import { buildSqsRecord, newReceiptHandle } from './records.ts';
import type { InvocationReport, LocalSqsHandler, QueueClock } from './types.ts';
import type { Verdict } from './verdict.ts';

export type HandlerOutcome = { ok: true; value: unknown } | { ok: false; reason: 'error' | 'timeout'; error: unknown };

/** The SQS event for a received batch, as the ESM builds it. */
export function sqsEventFor(
  batch: readonly StoredMessage[],
  source: { senderId: string; arn: string; region: string; now: number },
): SQSEvent {
  return {
    Records: batch.map((message) =>
      buildSqsRecord({
        messageId: message.messageId,
        body: message.body,
        receiptHandle: message.receiptHandle ?? newReceiptHandle(),
        receiveCount: message.receiveCount,
        sentTimestamp: message.sentTimestamp,
        firstReceiveTimestamp: message.firstReceiveTimestamp ?? source.now,
        senderId: source.senderId,
        eventSourceARN: source.arn,
        awsRegion: source.region,
      }),
    ),
  };
}

/** Runs the handler under the function timeout. A timed-out handler keeps running but its result is ignored. */
export function runHandler(
  handler: LocalSqsHandler,
  event: SQSEvent,
  context: Context,
  timeout: { seconds: number; clock: QueueClock },
): Promise<HandlerOutcome> {
  const { clock, seconds } = timeout;
  return new Promise<HandlerOutcome>((resolve) => {
    let settled = false;
    const timer = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      resolve({ ok: false, reason: 'timeout', error: new Error(`Task timed out after ${seconds.toFixed(2)} seconds`) });
    }, seconds * 1000);
    Promise.resolve()
      .then(() => handler(event, context))
      .then(
        (value: unknown) => {
          if (settled) return;
          settled = true;
          clock.clearTimeout(timer);
          resolve({ ok: true, value });
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clock.clearTimeout(timer);
          resolve({ ok: false, reason: 'error', error });
        },
      );
  });
}

/** What `onInvocation` hears about a settled invocation. */
export function invocationReport(
  batch: readonly StoredMessage[],
  verdict: Verdict,
  failedMessageIds: string[],
  invocation: { requestId: string; startedAt: number; concurrency: number; now: number },
): InvocationReport {
  return {
    requestId: invocation.requestId,
    messageIds: batch.map((message) => message.messageId),
    startedAt: invocation.startedAt,
    durationMs: invocation.now - invocation.startedAt,
    concurrency: invocation.concurrency,
    outcome: verdict.kind === 'all' ? 'failed' : verdict.kind,
    failedMessageIds,
    ...(verdict.kind === 'all' ? { reason: verdict.reason, error: verdict.error } : {}),
  };
}

/** Calls the observer; one that throws must not break the queue, so its error is rethrown outside the queue's work. */
export function notify(observer: ((report: InvocationReport) => void) | undefined, report: () => InvocationReport) {
  if (!observer) return;
  try {
    observer(report());
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
