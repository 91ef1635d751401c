/** How the event source mapping reads a handler's response with `ReportBatchItemFailures`. */

export type Verdict =
  | { kind: 'success' }
  | { kind: 'partial'; ids: Set<string> }
  | { kind: 'all'; reason: 'error' | 'timeout' | 'invalid-response'; error: unknown };

/** The ESM's verdict on an invocation: a thrown error or timeout fails all; else the response decides (if read). */
export function verdictOf(
  outcome: { ok: true; value: unknown } | { ok: false; reason: 'error' | 'timeout'; error: unknown },
  reportBatchItemFailures: boolean,
  batchMessageIds: readonly string[],
): Verdict {
  if (!outcome.ok) return { kind: 'all', reason: outcome.reason, error: outcome.error };
  return reportBatchItemFailures ? judgeResponse(outcome.value, batchMessageIds) : { kind: 'success' };
}

/**
 * Reads a handler's response as the ESM does with ReportBatchItemFailures: the response goes through JSON; null,
 * an object without `batchItemFailures`, or an empty list is a full success; anything it cannot use fails the whole
 * batch (not JSON-serialisable, not an object, a list that is not a list, an item without a non-empty
 * `itemIdentifier` naming a message of this batch).
 */
export function judgeResponse(response: unknown, batchMessageIds: readonly string[]): Verdict {
  const invalid = (why: string): Verdict => ({
    kind: 'all',
    reason: 'invalid-response',
    error: new Error(`Invalid batch response: ${why}`),
  });
  let parsed: unknown;
  try {
    const json = JSON.stringify(response);
    parsed = json === undefined ? null : JSON.parse(json);
  } catch (error) {
    return invalid(`not serialisable as JSON (${String(error)})`);
  }
  if (parsed === null) return { kind: 'success' };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('not an object');
  const failures = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return invalid('batchItemFailures is not a list');
  if (failures.length === 0) return { kind: 'success' };
  const inBatch = new Set(batchMessageIds);
  const ids = new Set<string>();
  for (const item of failures) {
    const id =
      typeof item === 'object' && item !== null ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') return invalid(`itemIdentifier ${JSON.stringify(id)} is null or empty`);
    if (!inBatch.has(id)) return invalid(`itemIdentifier ${JSON.stringify(id)} is not a message of this batch`);
    ids.add(id);
  }
  return { kind: 'partial', ids };
}
