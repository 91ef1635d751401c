import { MineralRiskError } from '../errors.ts';

/** A cursor no listing of this store gave out (it would fail in the query, or read from the wrong place). */
export class InvalidCursorError extends MineralRiskError {
  override readonly name = 'InvalidCursorError';
  readonly retryable = false;
}
