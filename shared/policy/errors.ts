import { MineralRiskError } from '../errors.ts';
import type { PolicyFieldError } from './validate.ts';

/** The revision would make the timeline invalid, or its body is; `errors` carry the field paths (HTTP 422). */
export class PolicyValidationError extends MineralRiskError {
  override readonly name = 'PolicyValidationError';
  readonly retryable = false;
  constructor(readonly errors: PolicyFieldError[]) {
    super(`invalid policy revision: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/** `If-Match` named another revision than the item's current one: someone else changed it first (HTTP 412). */
export class PolicyConflictError extends MineralRiskError {
  override readonly name = 'PolicyConflictError';
  readonly retryable = false;
  constructor(
    readonly expected: string,
    readonly current: string | null,
  ) {
    super(`the item is at ${current ?? 'no revision (absent)'}, not ${expected}: read it again and decide anew`);
  }
}

/** Withdrawing an item the timeline does not hold (HTTP 404). */
export class PolicyItemNotFoundError extends MineralRiskError {
  override readonly name = 'PolicyItemNotFoundError';
  readonly retryable = false;
}

/** Other writers kept taking the next revision number: give up for now (HTTP 503; trying again can succeed). */
export class PolicyContentionError extends MineralRiskError {
  override readonly name = 'PolicyContentionError';
  readonly retryable = true;
}
