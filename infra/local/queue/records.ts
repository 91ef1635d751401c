/**
 * SQS records and Lambda contexts in the exact shapes Lambda hands to a function. Shared by the local queue and by
 * the test factory (`test/helpers/sqs-events.ts`), so a handler unit test and the local runtime see the same event.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** SenderId as SQS reports it: the sending principal's IAM unique id (an IAM user id here). */
export const DEFAULT_SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';
export const DEFAULT_MEMORY_MB = 1024;

export function sqsQueueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

export function sqsQueueUrl(region: string, accountId: string, name: string): string {
  return `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
}

/** MD5 hex digest of the UTF-8 body, as SQS computes `MD5OfMessageBody` / the record's `md5OfBody`. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/** An opaque receipt handle, new for every receive (as in SQS: the same message gets a new handle each time). */
export function newReceiptHandle(): string {
  return `AQEB${randomBytes(132).toString('base64')}`;
}

export interface SqsRecordInput {
  messageId: string;
  body: string;
  receiptHandle: string;
  /** 1 on the first delivery. */
  receiveCount: number;
  /** Epoch milliseconds. */
  sentTimestamp: number;
  /** Epoch milliseconds of the first receive. */
  firstReceiveTimestamp: number;
  senderId: string;
  eventSourceARN: string;
  awsRegion: string;
}

/** One record of an SQS event, as delivered by the Lambda event source mapping (attribute values are strings). */
export function buildSqsRecord(input: SqsRecordInput): SQSRecord {
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: String(input.receiveCount),
    SentTimestamp: String(input.sentTimestamp),
    SenderId: input.senderId,
    ApproximateFirstReceiveTimestamp: String(input.firstReceiveTimestamp),
  };
  return {
    messageId: input.messageId,
    receiptHandle: input.receiptHandle,
    body: input.body,
    attributes,
    messageAttributes: {},
    md5OfBody: md5OfBody(input.body),
    eventSource: 'aws:sqs',
    eventSourceARN: input.eventSourceARN,
    awsRegion: input.awsRegion,
  };
}

export interface LambdaContextInput {
  functionName: string;
  region: string;
  accountId: string;
  /** Configured function timeout in milliseconds; `getRemainingTimeInMillis` counts down from it. */
  timeoutMs: number;
  memoryLimitInMB?: number;
  awsRequestId?: string;
  /** Epoch ms when the invocation started. */
  startedAt: number;
  /** Clock for `getRemainingTimeInMillis`. */
  now: () => number;
}

/** A well-formed Lambda `Context` for one invocation. The deprecated `done/fail/succeed` callbacks throw. */
export function buildLambdaContext(input: LambdaContextInput): Context {
  const deadline = input.startedAt + input.timeoutMs;
  const day = new Date(input.startedAt).toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is deprecated and not supported by the local runtime: return a promise`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${input.region}:${input.accountId}:function:${input.functionName}`,
    memoryLimitInMB: String(input.memoryLimitInMB ?? DEFAULT_MEMORY_MB),
    awsRequestId: input.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - input.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
