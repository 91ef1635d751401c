import type { ChangeRecord } from '../changes/change-record.ts';
import { type ChangeEvents, publishNotable } from '../changes/publish.ts';
import { nextPolicyChange } from '../model/policy.ts';
import { cachedScorer } from '../model/scorer-cache.ts';
import type { ScoringContext } from '../model/types.ts';
import { type FoldAfterChunkDeps, foldAfterChunk } from '../portfolio/fold-after-chunk.ts';
import type { ScoreMessage } from '../queue/message.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { BatchStore } from '../store/batch-port.ts';
import type { PutScoredResult, SupplierWrites } from '../store/supplier-port.ts';

export interface ScoreChunkDeps {
  /** Where the scores go, and the batch that counts the chunk (the score function's dead-lettering counts there too). */
  store: SupplierWrites & BatchStore;
  /** The reference data, or where to get the current one (the live policy timeline, cached briefly). */
  ref: ReferenceData | (() => Promise<ReferenceData>);
  /** Today's date (UTC, YYYY-MM-DD) for messages without an as-of date. */
  today: () => string;
  /** Where the notable changes go (the stage's event bus); none: recorded in the change log only. */
  events?: ChangeEvents;
  /** Folds the tenant's portfolio deltas as its batch is counted (shared/portfolio/fold-after-chunk.ts); none: reads fold. */
  portfolio?: FoldAfterChunkDeps;
}

/**
 * Score one message's suppliers with the core and store them (conditional on version), then count the chunk on its
 * batch (idempotent). Safe to run twice for the same message: the second run stores nothing and counts nothing, and
 * publishes again the change events of what the first stored (it may have died before publishing them).
 */
export async function scoreChunk(
  deps: ScoreChunkDeps,
  message: ScoreMessage,
  options: { signal?: AbortSignal } = {},
): Promise<PutScoredResult> {
  const ctx: ScoringContext = {
    asOf: message.asOf ?? deps.today(),
    buyerCountry: message.buyerCountry,
    endUse: 'civil',
  };
  const ref = typeof deps.ref === 'function' ? await deps.ref() : deps.ref;
  const scorer = cachedScorer(ref, ctx);
  const items = message.suppliers.map(({ inputVersion, input }) => ({
    inputVersion,
    input,
    result: scorer.score(input),
    nextChangeDate: nextPolicyChange(
      ref,
      input.exposures.map((e) => e.mineral),
      ctx,
    ),
    batchId: message.batchId,
  }));
  const changes: ChangeRecord[] = [];
  let result: PutScoredResult;
  try {
    // An upload's chunk records its new suppliers in one change group (issue 12: a record each cost 2 write units).
    const upload = message.kind === 'upsert' && message.batchId !== null && message.chunk !== null;
    const group = upload ? { group: { chunk: message.chunk as number } } : {};
    result = await deps.store.putScored(message.tenant, message.kind, items, { ...options, changes, ...group });
  } finally {
    // What was stored is announced even when other suppliers of the chunk failed (their retry announces theirs).
    await publishNotable(deps.events, changes);
  }
  if (message.batchId !== null && message.chunk !== null) {
    const batch = await deps.store.recordChunkScored(message.tenant, message.batchId, message.chunk, result);
    if (deps.portfolio) await foldAfterChunk(deps.portfolio, batch);
  }
  return result;
}
