/**
 * The local queue must be a faithful stand-in for SQS + the Lambda SQS event source mapping: these tests hold it
 * to the behaviour the score function relies on in AWS. Waits run compressed by `timeScale`; one test runs the
 * real 360 s / 2 s settings on a manual clock.
 */
import { createHash } from 'node:crypto';
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { QueueJournal } from '../../infra/local/queue/journal.ts';
import {
  type InvocationReport,
  judgeResponse,
  LocalQueue,
  type LocalQueueOptions,
  type LocalSqsHandler,
  type QueueClock,
} from '../../infra/local/queue.ts';
import { QUEUE_SETTINGS } from '../../shared/queue/settings.ts';
import { lambdaContext, md5OfBody, sqsEvent, sqsRecord, TEST_QUEUE_ARN } from '../helpers/sqs-events.ts';
import { tempDir } from '../helpers/temp.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** 360 s visibility → 180 ms; 2 s window → 1 ms. */
const FAST = 0.0005;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const queues: LocalQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.stop()));
});

type QueueOverrides = Omit<Partial<LocalQueueOptions>, 'settings'> & {
  settings?: Partial<LocalQueueOptions['settings']>;
};

function makeQueue(overrides: QueueOverrides = {}) {
  const queue = new LocalQueue({
    name: 'score-queue',
    timeScale: FAST,
    ...overrides,
    settings: { ...QUEUE_SETTINGS, ...overrides.settings },
  });
  queues.push(queue);
  return queue;
}

async function sendAll(queue: LocalQueue, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, j) => ({ id: `e${i + j}`, body }));
    const { failed } = await queue.sendBatch(entries);
    expect(failed).toEqual([]);
  }
}

const bodies = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

interface Delivery {
  body: string;
  messageId: string;
  receiveCount: number;
  receiptHandle: string;
  firstReceive: string;
  at: number;
  invocation: number;
}

/** Wraps a handler and records every delivery, in order. */
function recording(behaviour: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>) {
  const deliveries: Delivery[] = [];
  const batches: string[][] = [];
  const handler: LocalSqsHandler = async (event, context) => {
    const invocation = batches.length;
    batches.push(event.Records.map((record) => record.body));
    for (const record of event.Records) {
      deliveries.push({
        body: record.body,
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        receiptHandle: record.receiptHandle,
        firstReceive: record.attributes.ApproximateFirstReceiveTimestamp,
        at: Date.now(),
        invocation,
      });
    }
    return behaviour(event, context);
  };
  const of = (body: string) => deliveries.filter((delivery) => delivery.body === body);
  return { handler, deliveries, batches, of };
}

const fail = (event: SQSEvent, predicate: (body: string, receiveCount: number) => boolean): SQSBatchResponse => ({
  batchItemFailures: event.Records.filter((record) =>
    predicate(record.body, Number(record.attributes.ApproximateReceiveCount)),
  ).map((record) => ({ itemIdentifier: record.messageId })),
});

describe('records and context', () => {
  it('hands the handler real SQS records and a well-formed Lambda context', async () => {
    const queue = makeQueue({ region: 'eu-west-1', accountId: '111122223333', functionName: 'mineral-risk-score' });
    let seen: { event: SQSEvent; context: Context; remaining: number } | undefined;
    queue.attach(async (event, context) => {
      seen = { event, context, remaining: context.getRemainingTimeInMillis() };
    });
    const body = JSON.stringify({ supplierId: 'SUP-1', name: 'Dysprosium Ltd — Ω' });
    const before = Date.now();
    const { successful } = await queue.sendBatch([{ id: 'only', body }]);
    await queue.drain();

    const record = seen?.event.Records[0];
    expect(seen?.event.Records).toHaveLength(1);
    expect(record).toEqual({
      messageId: successful[0]?.messageId,
      receiptHandle: expect.stringMatching(/^AQEB[A-Za-z0-9+/=]{100,}$/),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.stringMatching(/^AIDA[A-Z0-9]{16,}$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body, 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:score-queue',
      awsRegion: 'eu-west-1',
    });
    expect(record?.messageId).toMatch(UUID);
    expect(successful[0]?.md5OfMessageBody).toBe(record?.md5OfBody);
    const sent = Number(record?.attributes.SentTimestamp);
    expect(sent).toBeGreaterThanOrEqual(before);
    expect(Number(record?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(sent);

    const context = seen?.context;
    expect(context).toMatchObject({
      functionName: 'mineral-risk-score',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:mineral-risk-score',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/mineral-risk-score',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context?.awsRequestId).toMatch(UUID);
    expect(context?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(seen?.remaining).toBeGreaterThan(59_000);
    expect(seen?.remaining).toBeLessThanOrEqual(60_000);
  });

  it('the test factory builds the same shape, md5 included', () => {
    const event = sqsEvent({ supplierId: 'SUP-1' }, 'plain', sqsRecord('x', { receiveCount: 3 }));
    expect(event.Records.map((record) => record.body)).toEqual(['{"supplierId":"SUP-1"}', 'plain', 'x']);
    for (const record of event.Records) {
      expect(record.md5OfBody).toBe(md5OfBody(record.body));
      expect(record.eventSourceARN).toBe(TEST_QUEUE_ARN);
      expect(record.messageId).toMatch(UUID);
    }
    expect(event.Records[2]?.attributes.ApproximateReceiveCount).toBe('3');
    expect(lambdaContext().getRemainingTimeInMillis()).toBeGreaterThan(59_000);
  });
});

describe('batching and concurrency (the event source mapping)', () => {
  it('never puts more than batchSize records in one invocation', async () => {
    const queue = makeQueue();
    await sendAll(queue, bodies(25));
    const { handler, batches } = recording(async () => undefined);
    queue.attach(handler);
    await queue.drain();
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat().sort()).toEqual(bodies(25).sort());
  });

  it('waits up to the batching window to fill a batch, and not when the batch is already full', async () => {
    // 2 s window → 100 ms.
    const queue = makeQueue({ timeScale: 0.05 });
    const invokedAt: number[] = [];
    const { handler, batches } = recording(async () => {
      invokedAt.push(Date.now());
      return undefined;
    });
    queue.attach(handler);

    const start = Date.now();
    await sendAll(queue, bodies(3, 'early'));
    await sleep(30);
    await sendAll(queue, bodies(4, 'late'));
    await queue.drain();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(7);
    expect((invokedAt[0] ?? 0) - start).toBeGreaterThanOrEqual(95);

    const fullStart = Date.now();
    await sendAll(queue, bodies(10, 'full'));
    await queue.drain();
    expect(batches).toHaveLength(2);
    expect(batches[1]).toHaveLength(10);
    expect((invokedAt[1] ?? 0) - fullStart).toBeLessThan(60);
  });

  it('with no batching window, invokes with whatever is there', async () => {
    const queue = makeQueue({ settings: { maxBatchingWindowSeconds: 0 } });
    const { handler, batches } = recording(async () => undefined);
    queue.attach(handler);
    await queue.send('one');
    await sleep(20);
    await queue.send('two');
    await queue.drain();
    expect(batches).toEqual([['one'], ['two']]);
  });

  it('never runs more than maxConcurrency invocations at once, and reaches it under load', async () => {
    const queue = makeQueue({ settings: { maxConcurrency: 3 } });
    let running = 0;
    let peak = 0;
    const { handler, deliveries } = recording(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(15);
      running -= 1;
      return undefined;
    });
    queue.attach(handler);
    await sendAll(queue, bodies(100));
    await queue.drain();
    expect(peak).toBe(3);
    expect(queue.stats().peakConcurrency).toBe(3);
    expect(deliveries).toHaveLength(100);
    expect(queue.stats()).toMatchObject({ sent: 100, received: 100, deleted: 100, invocations: 10 });
  });

  it('holds the default settings (10 at once) under a 500-message burst', async () => {
    const queue = makeQueue();
    let running = 0;
    let peak = 0;
    queue.attach(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(5);
      running -= 1;
    });
    await sendAll(queue, bodies(500));
    await queue.drain();
    expect(peak).toBeLessThanOrEqual(QUEUE_SETTINGS.maxConcurrency);
    expect(peak).toBeGreaterThan(1);
    expect(queue.stats()).toMatchObject({ received: 500, deleted: 500, inFlight: 0, waiting: 0 });
  });
});

describe('failures, visibility timeout and redelivery', () => {
  it('partial batch failure redelivers only the failed items, after the visibility timeout', async () => {
    const queue = makeQueue();
    const failing = new Set(['m-2', 'm-7']);
    const { handler, deliveries, of } = recording(async (event) =>
      fail(event, (body, count) => failing.has(body) && count === 1),
    );
    queue.attach(handler);
    await sendAll(queue, bodies(10));
    await queue.drain();

    for (const body of bodies(10)) {
      const seen = of(body);
      if (!failing.has(body)) {
        expect(seen.map((d) => d.receiveCount)).toEqual([1]);
        continue;
      }
      expect(seen.map((d) => d.receiveCount)).toEqual([1, 2]);
      const [first, second] = seen;
      expect(second?.messageId).toBe(first?.messageId);
      expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
      // Not before the visibility timeout (360 s × 0.0005 = 180 ms).
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(175);
    }
    expect(deliveries).toHaveLength(12);
    expect(queue.stats()).toMatchObject({
      sent: 10,
      received: 12,
      deleted: 10,
      deadLettered: 0,
      partialInvocations: 1,
    });
  });

  it.each([
    ['rejects', async () => Promise.reject(new Error('DynamoDB unavailable'))],
    [
      'throws synchronously',
      () => {
        throw new Error('boom');
      },
    ],
  ])('a handler that %s fails the whole batch: every record comes back once', async (_, failure) => {
    const reports: InvocationReport[] = [];
    const queue = makeQueue({ onInvocation: (report) => reports.push(report) });
    let calls = 0;
    const deliveries: string[] = [];
    const handler: LocalSqsHandler = (event) => {
      calls += 1;
      deliveries.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      return calls === 1 ? failure() : Promise.resolve();
    };
    queue.attach(handler);
    await sendAll(queue, bodies(10));
    await queue.drain();
    expect(deliveries.sort()).toEqual([...bodies(10).map((b) => `${b}#1`), ...bodies(10).map((b) => `${b}#2`)].sort());
    expect(reports.map((r) => r.outcome)).toEqual(['failed', 'success']);
    expect(reports[0]?.reason).toBe('error');
    expect(reports[0]?.failedMessageIds).toHaveLength(10);
    expect(queue.stats()).toMatchObject({ received: 20, deleted: 10, failedInvocations: 1 });
  });

  it('a timed-out invocation fails the whole batch', async () => {
    const reports: InvocationReport[] = [];
    const queue = makeQueue({ functionTimeoutSeconds: 0.05, onInvocation: (report) => reports.push(report) });
    let calls = 0;
    queue.attach(async () => {
      calls += 1;
      if (calls === 1) await sleep(500); // longer than the 50 ms function timeout
    });
    await sendAll(queue, bodies(4));
    await queue.drain();
    expect(reports.map((r) => [r.outcome, r.reason])).toEqual([
      ['failed', 'timeout'],
      ['success', undefined],
    ]);
    expect(reports[0]?.error).toMatchObject({ message: 'Task timed out after 0.05 seconds' });
    expect(queue.stats()).toMatchObject({ received: 8, deleted: 4 });
  });

  it.each([
    ['an id not in the batch', [{ itemIdentifier: '2f1c6a0e-0000-4000-8000-000000000000' }]],
    ['an empty id', [{ itemIdentifier: '' }]],
    ['a null id', [{ itemIdentifier: null }]],
    ['a misspelt key', [{ itemIdentifer: 'x' }]],
  ])('a response naming %s fails the whole batch, as Lambda does', async (_, batchItemFailures) => {
    const queue = makeQueue();
    const { handler, deliveries } = recording(async (event) =>
      event.Records[0]?.attributes.ApproximateReceiveCount === '1'
        ? ({ batchItemFailures } as unknown as SQSBatchResponse)
        : undefined,
    );
    queue.attach(handler);
    await sendAll(queue, bodies(5));
    await queue.drain();
    expect(deliveries.map((d) => d.receiveCount).sort()).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(queue.stats()).toMatchObject({ failedInvocations: 1, deleted: 5 });
  });

  it('reads responses as the event source mapping does', () => {
    const ids = ['a', 'b'];
    expect(judgeResponse(undefined, ids)).toEqual({ kind: 'success' });
    expect(judgeResponse(null, ids)).toEqual({ kind: 'success' });
    expect(judgeResponse({}, ids)).toEqual({ kind: 'success' });
    expect(judgeResponse({ batchItemFailures: [] }, ids)).toEqual({ kind: 'success' });
    expect(judgeResponse({ batchItemFailures: null }, ids)).toEqual({ kind: 'success' });
    expect(judgeResponse({ batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'b' }] }, ids)).toEqual({
      kind: 'partial',
      ids: new Set(['b']),
    });
    for (const bad of ['ok', 42, [], { batchItemFailures: 'a' }, { batchItemFailures: ['a'] }, { x: 1n }]) {
      expect(judgeResponse(bad, ids)).toMatchObject({ kind: 'all', reason: 'invalid-response' });
    }
  });

  it('without ReportBatchItemFailures the response is ignored and the batch is deleted', async () => {
    const queue = makeQueue({ reportBatchItemFailures: false });
    const { handler, deliveries } = recording(async (event) => fail(event, () => true));
    queue.attach(handler);
    await sendAll(queue, bodies(3));
    await queue.drain();
    expect(deliveries).toHaveLength(3);
    expect(queue.stats()).toMatchObject({ deleted: 3, deadLettered: 0 });
  });

  it('a poison message lands in the DLQ after exactly maxReceiveCount receives; its neighbours are processed once', async () => {
    const queue = makeQueue();
    const { handler, of } = recording(async (event) => fail(event, (body) => body === 'poison'));
    queue.attach(handler);
    const neighbours = bodies(9, 'good');
    await sendAll(queue, [...neighbours.slice(0, 4), 'poison', ...neighbours.slice(4)]);
    await queue.drain();

    const poison = of('poison');
    expect(poison.map((d) => d.receiveCount)).toEqual([1, 2, 3, 4, 5]);
    expect(QUEUE_SETTINGS.maxReceiveCount).toBe(5);
    expect(new Set(poison.map((d) => d.messageId)).size).toBe(1);
    expect(new Set(poison.map((d) => d.receiptHandle)).size).toBe(5);
    for (const body of neighbours) expect(of(body).map((d) => d.receiveCount)).toEqual([1]);

    expect(queue.dlq).toHaveLength(1);
    const dead = queue.dlq[0];
    expect(dead).toMatchObject({
      messageId: poison[0]?.messageId,
      body: 'poison',
      md5OfBody: md5OfBody('poison'),
      messageAttributes: {},
      attributes: {
        ApproximateReceiveCount: '5',
        SenderId: expect.any(String),
        DeadLetterQueueSourceArn: queue.arn,
      },
    });
    expect(dead?.attributes.ApproximateFirstReceiveTimestamp).toBe(poison[0]?.firstReceive);
    expect(poison.every((d) => d.firstReceive === poison[0]?.firstReceive)).toBe(true);
    expect(queue.stats()).toEqual(
      expect.objectContaining({ sent: 10, received: 14, deleted: 9, deadLettered: 1, inFlight: 0, waiting: 0 }),
    );
  });

  it('never redelivers a message while the invocation holding it still runs', async () => {
    // Visibility 60 s → 30 ms, but the handler takes 150 ms: on AWS the ESM requires visibility ≥ function timeout,
    // so an in-flight message cannot reappear; compressing only the visibility timeout must not change that.
    const queue = makeQueue({ settings: { visibilityTimeoutSeconds: 60 } });
    let running = 0;
    let overlapping = false;
    const { handler, of } = recording(async (event) => {
      running += 1;
      if (running > 1) overlapping = true;
      await sleep(150);
      running -= 1;
      return fail(event, (_, count) => count === 1);
    });
    queue.attach(handler);
    await queue.send('slow');
    await queue.drain();
    expect(of('slow').map((d) => d.receiveCount)).toEqual([1, 2]);
    expect(overlapping).toBe(false);
  });

  it('at full scale on a manual clock: the 2 s window, then redelivery once 360 s have passed since the receive', async () => {
    const clock = manualClock(1_700_000_000_000);
    const queue = makeQueue({ timeScale: 1, clock });
    const seen: { at: number; counts: string[] }[] = [];
    queue.attach(async (event) => {
      seen.push({ at: clock.now(), counts: event.Records.map((r) => r.attributes.ApproximateReceiveCount) });
      return fail(event, (body, count) => body === 'm-0' && count === 1);
    });
    await sendAll(queue, bodies(3));
    const drained = queue.drain();

    await clock.advance(1_999);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual([{ at: 1_700_000_002_000, counts: ['1', '1', '1'] }]);
    await clock.advance(359_999);
    expect(seen).toHaveLength(1);
    // Visible again at receive + 360 s; then the batching window waits another 2 s for company.
    await clock.advance(1);
    await clock.advance(2_000);
    expect(seen[1]).toEqual({ at: 1_700_000_364_000, counts: ['2'] });
    await drained;
  });
});

describe('SendMessageBatch validation', () => {
  const entry = (id: string, body = 'x') => ({ id, body });

  it('throws the SDK exceptions for request-level errors, and sends nothing', async () => {
    const queue = makeQueue();
    const eleven = Array.from({ length: 11 }, (_, i) => entry(`e${i}`));
    await expect(queue.sendBatch(eleven)).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(queue.sendBatch(eleven)).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    await expect(queue.sendBatch([])).rejects.toBeInstanceOf(EmptyBatchRequest);
    await expect(queue.sendBatch([entry('a'), entry('b'), entry('a')])).rejects.toBeInstanceOf(
      BatchEntryIdsNotDistinct,
    );
    await expect(queue.sendBatch([entry('has space')])).rejects.toBeInstanceOf(InvalidBatchEntryId);
    await expect(queue.sendBatch([entry('x'.repeat(81))])).rejects.toBeInstanceOf(InvalidBatchEntryId);
    const big = 'a'.repeat(140_000);
    await expect(queue.sendBatch([entry('a', big), entry('b', big)])).rejects.toMatchObject({
      name: 'BatchRequestTooLong',
      $fault: 'client',
    });
    await expect(queue.sendBatch([entry('a', big), entry('b', big)])).rejects.toBeInstanceOf(BatchRequestTooLong);
    expect(queue.stats().sent).toBe(0);
  });

  it('fails oversized and invalid bodies per entry (bytes, not characters) and sends the rest', async () => {
    const queue = makeQueue();
    const exact = 'a'.repeat(262_144);
    const tooBigInBytes = 'é'.repeat(131_073); // 131,073 characters, 262,146 bytes
    const result = await queue.sendBatch([
      entry('ok', 'fine'),
      entry('big', tooBigInBytes),
      entry('nul', 'a\u0000b'),
      entry('surrogate', 'a\uD800b'),
      entry('empty', ''),
    ]);
    expect(result.successful.map((s) => s.id)).toEqual(['ok']);
    expect(result.failed).toEqual([
      { id: 'big', code: 'InvalidParameterValue', message: expect.stringContaining('262144'), senderFault: true },
      { id: 'nul', code: 'InvalidMessageContents', message: expect.any(String), senderFault: true },
      { id: 'surrogate', code: 'InvalidMessageContents', message: expect.any(String), senderFault: true },
      { id: 'empty', code: 'MissingParameter', message: expect.any(String), senderFault: true },
    ]);
    expect((await queue.sendBatch([entry('exact', exact)])).failed).toEqual([]);
    expect(queue.stats().sent).toBe(2);

    await expect(queue.send(tooBigInBytes)).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(queue.send('')).rejects.toMatchObject({ name: 'MissingParameter' });
    expect((await queue.send('emoji 🪨 fine')).md5OfMessageBody).toBe(md5OfBody('emoji 🪨 fine'));
  });
});

describe('lifecycle and configuration', () => {
  it('drain resolves at once when empty, rejects with no handler, on timeout and on stop', async () => {
    const queue = makeQueue();
    await expect(queue.drain()).resolves.toBeUndefined();
    await queue.send('waiting');
    await expect(queue.drain()).rejects.toThrow(/no handler attached/);

    queue.attach(async () => {
      await sleep(200);
    });
    await expect(queue.drain({ timeoutMs: 20 })).rejects.toThrow(/timed out/);
    const pending = queue.drain();
    await queue.stop();
    await expect(pending).resolves.toBeUndefined(); // the running invocation finished and deleted the message
    expect(queue.stats()).toMatchObject({ deleted: 1, waiting: 0, inFlight: 0 });

    await queue.send('after stop');
    const stranded = new LocalQueue({ name: 'other', settings: QUEUE_SETTINGS, timeScale: FAST });
    queues.push(stranded);
    await stranded.send('x');
    stranded.attach(async () => Promise.reject(new Error('always')));
    const waiting = stranded.drain();
    // Stop once the message has been handed out (not a fixed sleep: a loaded machine takes longer to get there).
    for (let i = 0; i < 200 && stranded.stats().received < 1; i++) await sleep(10);
    await stranded.stop();
    await expect(waiting).rejects.toThrow(/stopped before draining/);
    expect(stranded.stats()).toMatchObject({ invisible: 1, received: 1 });
  });

  it('refuses configurations the event source mapping refuses', () => {
    const make =
      (settings: Partial<LocalQueueOptions['settings']>, extra: Partial<LocalQueueOptions> = {}) =>
      () =>
        new LocalQueue({ name: 'q', settings: { ...QUEUE_SETTINGS, ...settings }, ...extra });
    expect(make({})).not.toThrow();
    expect(make({ maxConcurrency: 1 })).toThrow(/maxConcurrency/);
    expect(make({ visibilityTimeoutSeconds: 30 })).toThrow(/less than function timeout/);
    expect(make({ batchSize: 11, maxBatchingWindowSeconds: 0 })).toThrow(/batchSize above 10/);
    expect(make({ batchSize: 0 })).toThrow(/batchSize/);
    expect(make({}, { timeScale: 0 })).toThrow(/timeScale/);
    expect(make({}, { name: 'bad name' })).toThrow(/queue name/);
  });
});

describe('kept on disk (a journal)', () => {
  const dir = tempDir('mineral-risk-queue-');
  afterAll(() => dir.remove());
  let n = 0;
  const journalPath = () => `${dir.path}/q${++n}/score-queue.jsonl`;
  const openJournal = (path: string) => QueueJournal.open(path, { queue: 'score-queue' });

  it('a sent message is on disk when send resolves; a deleted one never comes back', async () => {
    const path = journalPath();
    const journal = await openJournal(path);
    const queue = makeQueue({ journal });
    const { handler, of } = recording(async (event) => fail(event, (body) => body.startsWith('fail')));
    await sendAll(queue, [...bodies(6, 'ok'), ...bodies(2, 'fail')]);
    // Before any delivery, and without closing (the process could be killed here): all eight are on disk.
    const atSend = await openJournal(path);
    expect(atSend.recovered.messages.map((m) => m.body).sort()).toEqual(
      [...bodies(6, 'ok'), ...bodies(2, 'fail')].sort(),
    );
    await atSend.close();

    queue.attach(handler);
    await expect.poll(() => of('ok-5').length).toBe(1);
    await expect.poll(() => queue.stats().deleted).toBe(6);
    await queue.stop();
    const restarted = await openJournal(path);
    expect(restarted.recovered.messages.map((m) => [m.body, m.receiveCount])).toEqual([
      ['fail-0', 1],
      ['fail-1', 1],
    ]);
    await restarted.close();
    await journal.close();
  });

  it('messages in flight when the process dies come back at once on restart, their receive counted', async () => {
    const path = journalPath();
    const journal = await openJournal(path);
    // Two invocations at most: two batches of ten in flight, five waiting on the queue.
    const settings = { ...QUEUE_SETTINGS, maxConcurrency: 2 };
    const first = new LocalQueue({ name: 'score-queue', settings, timeScale: FAST, journal });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held: string[] = [];
    first.attach(async (event) => {
      held.push(...event.Records.map((r) => r.body));
      await gate;
      throw new Error('the process died');
    });
    await sendAll(first, bodies(25, 'job'));
    await expect.poll(() => held.length).toBe(20);
    expect(first.stats()).toMatchObject({ inFlight: 20, visible: 5 });

    // The crash: a new queue on the file while the first still holds its messages (nothing more is written by it).
    const restartedJournal = await openJournal(path);
    const second = makeQueue({ journal: restartedJournal, timeScale: 1 });
    expect(second.stats()).toMatchObject({ recovered: 25, sent: 0, visible: 25 });
    const { handler, deliveries } = recording(async () => undefined);
    const started = Date.now();
    second.attach(handler);
    await second.drain({ timeoutMs: 5_000 });
    // At full scale the visibility timeout is 360 s: they came back at once, not after it.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(deliveries.map((d) => d.body).sort()).toEqual(bodies(25, 'job').sort());
    const counts = new Map(deliveries.map((d) => [d.body, d.receiveCount]));
    expect(held.every((body) => counts.get(body) === 2)).toBe(true);
    expect(deliveries.filter((d) => d.receiveCount === 1)).toHaveLength(5);

    const stopping = first.stop();
    release();
    await stopping;
    await journal.close();
    await second.stop();
    await restartedJournal.close();
    const after = await openJournal(path);
    expect(after.recovered.messages).toEqual([]);
    await after.close();
  });

  it('receive counts survive restarts: a poison message reaches the DLQ after maxReceiveCount receives in all, and the DLQ survives', async () => {
    const path = journalPath();
    const counts: number[] = [];
    const poisoned = recording(async (event) => fail(event, (body) => body === 'poison'));

    // Run 1: two receives, then the runtime stops (as on Ctrl-C).
    let journal = await openJournal(path);
    const run1 = new LocalQueue({ name: 'score-queue', settings: QUEUE_SETTINGS, timeScale: FAST, journal });
    run1.attach(poisoned.handler);
    await run1.sendBatch([
      { id: 'p', body: 'poison' },
      { id: 'g', body: 'good' },
    ]);
    await expect.poll(() => poisoned.of('poison').length).toBe(2);
    await run1.stop();
    await journal.close();

    // Run 2: the three receives left, then the DLQ.
    journal = await openJournal(path);
    const run2 = makeQueue({ journal });
    expect(run2.stats()).toMatchObject({ recovered: 1 });
    run2.attach(poisoned.handler);
    await run2.drain();
    counts.push(...poisoned.of('poison').map((d) => d.receiveCount));
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(poisoned.of('good')).toHaveLength(1);
    expect(run2.dlq).toHaveLength(1);
    await run2.stop();
    await journal.close();

    // Run 3: nothing to deliver; the dead letter is still there, with its attributes.
    journal = await openJournal(path);
    const run3 = makeQueue({ journal });
    expect(run3.stats()).toMatchObject({ recovered: 0, waiting: 0 });
    expect(run3.dlq).toEqual([
      expect.objectContaining({
        body: 'poison',
        messageId: poisoned.of('poison')[0]?.messageId,
        attributes: expect.objectContaining({ ApproximateReceiveCount: '5', DeadLetterQueueSourceArn: run3.arn }),
      }),
    ]);
    await journal.close();
  });
});

/** A clock whose time only moves when the test says; timers fire in order, with the handler's promises flushed. */
function manualClock(start: number): QueueClock & { advance(ms: number): Promise<void> } {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const flush = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
        await flush();
      }
      now = target;
      await flush();
    },
  };
}
