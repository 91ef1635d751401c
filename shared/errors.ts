/**
 * The base of this project's errors: whether trying the same thing again can help. `retryable` errors are the
 * service's side (throttling, an outage, a deadline); the others are the input's, and repeating it cannot succeed.
 */
export abstract class MineralRiskError extends Error {
  abstract readonly retryable: boolean;
}
