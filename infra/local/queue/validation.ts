/**
 * SendMessage / SendMessageBatch validation as SQS does it. Request-level problems throw the SDK's own exception
 * classes (so `instanceof TooManyEntriesInBatchRequest` behaves as against AWS); entry-level problems come back as
 * failed entries, `senderFault: true`, never thrown.
 */
import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  InvalidMessageContents,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';

/** Entries per SendMessageBatch call. */
export const MAX_BATCH_ENTRIES = 10;
/** 256 KiB. SQS has allowed 1 MiB since 2025 (new queues default to it); see `LocalQueueOptions.maximumMessageSize`. */
export const DEFAULT_MAX_MESSAGE_BYTES = 262_144;

/** Allowed body characters: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF (lone surrogates fail). */
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Batch entry ids: alphanumerics, hyphens and underscores, 1–80 characters. */
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

const metadata = { $metadata: {} };

export interface EntryProblem {
  code: string;
  message: string;
}

/** Why SQS would refuse this body, or undefined when it accepts it. */
export function bodyProblem(body: string, maxMessageBytes: number): EntryProblem | undefined {
  if (typeof body !== 'string' || body.length === 0) {
    return { code: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' };
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxMessageBytes) {
    return {
      code: 'InvalidParameterValue',
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${maxMessageBytes} bytes.`,
    };
  }
  if (INVALID_BODY_CHAR.test(body)) {
    return {
      code: 'InvalidMessageContents',
      message:
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    };
  }
  return undefined;
}

/** SQS's limit on DelaySeconds (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

/** Why SQS would refuse this DelaySeconds, or undefined when it accepts it (or none is given). */
export function delayProblem(delaySeconds: number | undefined): EntryProblem | undefined {
  if (delaySeconds === undefined) return undefined;
  if (Number.isInteger(delaySeconds) && delaySeconds >= 0 && delaySeconds <= MAX_DELAY_SECONDS) return undefined;
  return {
    code: 'InvalidParameterValue',
    message: `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
  };
}

/** Why SQS would refuse this entry (its body, then its delay), or undefined when it accepts it. */
export const entryProblem = (entry: { body: string; delaySeconds?: number }, maxMessageBytes: number) =>
  bodyProblem(entry.body, maxMessageBytes) ?? delayProblem(entry.delaySeconds);

/** The exception SendMessage throws for a body problem. */
export function bodyException(problem: EntryProblem): Error {
  if (problem.code === 'InvalidMessageContents') {
    return new InvalidMessageContents({ message: problem.message, ...metadata });
  }
  return new SQSServiceException({ name: problem.code, $fault: 'client', message: problem.message, ...metadata });
}

/** Request-level checks of SendMessageBatch; throws what SQS throws. */
export function assertBatchRequest(entries: readonly { id: string; body: string }[]): void {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new EmptyBatchRequest({
      message: 'There should be at least one SendMessageBatchRequestEntry in the request.',
      ...metadata,
    });
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new TooManyEntriesInBatchRequest({
      message: `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
      ...metadata,
    });
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry.id !== 'string' || !ENTRY_ID.test(entry.id)) {
      throw new InvalidBatchEntryId({
        message:
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        ...metadata,
      });
    }
    if (seen.has(entry.id)) {
      throw new BatchEntryIdsNotDistinct({ message: `Id ${entry.id} repeated.`, ...metadata });
    }
    seen.add(entry.id);
  }
}

/**
 * The batch payload limit, applied to the entries that passed their own checks (so one oversized body fails alone
 * and the rest are sent, while several legal bodies that together exceed the limit fail the whole call).
 */
export function assertBatchPayload(bodies: readonly string[], maxBatchBytes: number): void {
  let total = 0;
  for (const body of bodies) total += Buffer.byteLength(body, 'utf8');
  if (total > maxBatchBytes) {
    throw new BatchRequestTooLong({
      message: `Batch requests cannot be longer than ${maxBatchBytes} bytes. You have sent ${total} bytes.`,
      ...metadata,
    });
  }
}
