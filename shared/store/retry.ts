import { MineralRiskError } from '../errors.ts';
/** Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export function backoffMs(attempt: number, baseMs = 50, capMs = 5_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class UnprocessedItemsError extends MineralRiskError {
  override readonly name = 'UnprocessedItemsError';
  readonly retryable = true;
}

/**
 * Send a batch request (BatchWriteItem, BatchGetItem) and resend what it left unprocessed with backoff and jitter
 * until none remain. (Throttling exceptions on the call itself are retried by the SDK's own retry strategy.)
 */
export async function retryUnprocessed<T>(
  requestItems: Record<string, T[]>,
  send: (items: Record<string, T[]>) => Promise<Record<string, T[]> | undefined>,
  maxAttempts = 10,
  operation = 'BatchWriteItem',
): Promise<void> {
  let pending: Record<string, T[]> | undefined = requestItems;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    pending = await send(pending);
    if (!pending || Object.values(pending).every((list) => list.length === 0)) return;
    await sleep(backoffMs(attempt));
  }
  throw new UnprocessedItemsError(`${operation} left items unprocessed after ${maxAttempts} attempts`);
}
