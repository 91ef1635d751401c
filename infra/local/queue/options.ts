/** The limits CreateEventSourceMapping and the SQS queue attributes enforce, checked when a local queue is made. */
import type { LocalQueueSettings } from './types.ts';

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
