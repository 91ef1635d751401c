/**
 * Runs `fn` over the items, at most `limit` at a time, and resolves once every call has settled: a failure never
 * leaves writes running behind the caller (in Lambda they would resume, frozen, in a later invocation). Once
 * `signal` aborts, the items not started yet fail with its reason.
 */
export async function settleLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  const out = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      if (signal?.aborted) {
        out[i] = { status: 'rejected', reason: signal.reason };
        continue;
      }
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i] as T) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
