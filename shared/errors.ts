/**
 * The base of this project's errors: whether trying the same thing again can help. `retryable` errors are the
 * service's side (throttling, an outage, a deadline); the others are the input's, and repeating it cannot succeed.
 */
export abstract class MineralRiskError extends Error {
  abstract readonly retryable: boolean;
}

// What the AWS SDK's retry strategy treats as throttling or transient (@smithy/core, service-error-classification):
// still failing after the SDK's own retries, it is the service's side, and a later retry can help.
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Whether a retry can help: this project's errors say so; an SDK or network error is retryable when it is
 * throttling, a timeout, a dropped connection or a 5xx (as the SDK classifies them), or was caused by one.
 */
export function isRetryable(error: unknown, depth = 0): boolean {
  if (error instanceof MineralRiskError) return error.retryable;
  if (!error || typeof error !== 'object') return false;
  const e = error as ErrorLike;
  if (e.name === 'AbortError') return false;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : 0;
  if (
    e.$retryable !== undefined ||
    THROTTLING_NAMES.has(String(e.name)) ||
    TRANSIENT_NAMES.has(String(e.name)) ||
    NETWORK_CODES.has(String(e.code)) ||
    status === 429 ||
    (status >= 500 && status <= 599)
  )
    return true;
  return depth < 10 && e.cause !== undefined && isRetryable(e.cause, depth + 1);
}
