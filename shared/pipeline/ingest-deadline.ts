import { MineralRiskError } from '../errors.ts';

/** Time kept before the function timeout to record why the batch stopped (ingest's timeout is 15 minutes). */
export const INGEST_DEADLINE_MARGIN_MS = 30_000;

/** Ingest was about to reach the function timeout: the batch fails saying so, instead of staying `ingesting`. */
export class IngestDeadlineError extends MineralRiskError {
  override readonly name = 'IngestDeadlineError';
  // The same file would run out of time again: it has to be split.
  readonly retryable = false;
}

/**
 * A signal that aborts `INGEST_DEADLINE_MARGIN_MS` (or a fifth of the time left, if less) before the function
 * timeout, with an IngestDeadlineError. Without `remainingMs` (outside Lambda) it never aborts.
 */
export function ingestDeadline(remainingMs?: () => number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  if (!remainingMs) return { signal: controller.signal, clear: () => {} };
  const remaining = remainingMs();
  const margin = Math.min(INGEST_DEADLINE_MARGIN_MS, remaining / 5);
  const timer = setTimeout(
    () =>
      controller.abort(
        new IngestDeadlineError(
          `ingest ran out of time (the function's limit is 15 minutes) before it read and queued the whole file: split it into several uploads`,
        ),
      ),
    Math.max(0, remaining - margin),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
