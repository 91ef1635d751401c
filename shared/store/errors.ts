import { MineralRiskError } from '../errors.ts';

/** A cursor no listing of this store gave out (it would fail in the query, or read from the wrong place). */
export class InvalidCursorError extends MineralRiskError {
  override readonly name = 'InvalidCursorError';
  readonly retryable = false;
}

/**
 * The suppliers were written but their change group was not (change-groups.ts). Retrying the whole write is what
 * writes it: a redelivered chunk, or the rescore page scanned again, finds the suppliers stored and derives the group.
 */
export class ChangeGroupWriteError extends MineralRiskError {
  override readonly name = 'ChangeGroupWriteError';
  readonly retryable = true;
  constructor(cause: unknown) {
    super(`change group not written: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
}
