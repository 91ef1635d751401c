/** A local queue's options with their defaults, checked against the limits of SQS and the event source mapping. */
import { SCORE_FUNCTION_TIMEOUT_SECONDS } from '../../../shared/queue/settings.ts';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, DEFAULT_SENDER_ID } from './records.ts';
import { type LocalQueueOptions, type LocalQueueSettings, systemClock } from './types.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from './validation.ts';

export type ResolvedOptions = Required<Omit<LocalQueueOptions, 'memoryLimitInMB' | 'onInvocation' | 'journal'>> &
  Pick<LocalQueueOptions, 'memoryLimitInMB' | 'onInvocation' | 'journal'>;

export function resolveOptions(options: LocalQueueOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...options,
    settings: Object.freeze({ ...options.settings }),
    region: options.region ?? DEFAULT_REGION,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    timeScale: options.timeScale ?? 1,
    functionName: options.functionName ?? `${options.name}-consumer`,
    functionTimeoutSeconds: options.functionTimeoutSeconds ?? SCORE_FUNCTION_TIMEOUT_SECONDS,
    reportBatchItemFailures: options.reportBatchItemFailures ?? true,
    maximumMessageSize: options.maximumMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxBatchPayloadBytes: options.maxBatchPayloadBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    senderId: options.senderId ?? DEFAULT_SENDER_ID,
    clock: options.clock ?? systemClock,
  };
  validateOptions(resolved.name, resolved.settings, resolved.timeScale, resolved.functionTimeoutSeconds);
  return resolved;
}

/** The limits CreateEventSourceMapping and the SQS queue attributes enforce. */

export function validateOptions(
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
