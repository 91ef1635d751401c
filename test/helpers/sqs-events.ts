/**
 * SQS events and Lambda contexts for tests, in the shape the Lambda event source mapping delivers them. Built by the
 * same code the local queue uses, so a handler unit test and the local runtime hand the handler the same event.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  buildLambdaContext,
  buildSqsRecord,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  DEFAULT_SENDER_ID,
  newReceiptHandle,
  sqsQueueArn,
} from '../../infra/local/queue/records.ts';

export { md5OfBody } from '../../infra/local/queue/records.ts';

export const TEST_QUEUE_NAME = 'score-queue';
export const TEST_QUEUE_ARN = sqsQueueArn(DEFAULT_REGION, DEFAULT_ACCOUNT_ID, TEST_QUEUE_NAME);

export interface SqsRecordOptions {
  messageId?: string;
  /** ApproximateReceiveCount; 1 = first delivery. */
  receiveCount?: number;
  /** Epoch ms; default now. */
  sentTimestamp?: number;
  /** Epoch ms; default sentTimestamp + 5. */
  firstReceiveTimestamp?: number;
  queueName?: string;
  region?: string;
  accountId?: string;
}

/** One record; an object body is JSON-encoded (as the application's adapters send it). md5OfBody is the real MD5. */
export function sqsRecord(body: string | object, options: SqsRecordOptions = {}): SQSRecord {
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const sentTimestamp = options.sentTimestamp ?? Date.now();
  return buildSqsRecord({
    messageId: options.messageId ?? randomUUID(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    receiptHandle: newReceiptHandle(),
    receiveCount: options.receiveCount ?? 1,
    sentTimestamp,
    firstReceiveTimestamp: options.firstReceiveTimestamp ?? sentTimestamp + 5,
    senderId: DEFAULT_SENDER_ID,
    eventSourceARN: sqsQueueArn(region, accountId, options.queueName ?? TEST_QUEUE_NAME),
    awsRegion: region,
  });
}

/** An event with one record per body (strings as is, objects JSON-encoded) or per ready-made record. */
export function sqsEvent(...items: (string | object | SQSRecord)[]): SQSEvent {
  return { Records: items.map((item) => (isRecord(item) ? item : sqsRecord(item))) };
}

export interface LambdaContextOptions {
  functionName?: string;
  /** Default 60 s, the score function's timeout. */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  awsRequestId?: string;
}

/** A well-formed Lambda context; getRemainingTimeInMillis counts down in real time from `timeoutMs`. */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  return buildLambdaContext({
    functionName: options.functionName ?? 'score',
    region: DEFAULT_REGION,
    accountId: DEFAULT_ACCOUNT_ID,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.memoryLimitInMB === undefined ? {} : { memoryLimitInMB: options.memoryLimitInMB }),
    ...(options.awsRequestId === undefined ? {} : { awsRequestId: options.awsRequestId }),
    startedAt: Date.now(),
    now: () => Date.now(),
  });
}

/** The ids a handler reported as failed (empty for a void response). */
// biome-ignore lint/suspicious/noConfusingVoidType: accepts what an SQSHandler resolves to (SQSBatchResponse | void)
export function failedItemIds(response: SQSBatchResponse | undefined | void): string[] {
  return response ? response.batchItemFailures.map((failure) => failure.itemIdentifier) : [];
}

function isRecord(item: string | object | SQSRecord): item is SQSRecord {
  return typeof item === 'object' && item !== null && 'eventSource' in item && 'receiptHandle' in item;
}
