/**
 * Use case: the daily recount of the portfolio aggregates at any table size (issue 12). The schedule's turn reads the
 * table's item count: a table one invocation scans well within its time (RECOUNT.itemsPerTurn, measured) is
 * recounted there (reconcile.ts); a larger one becomes a run of parallel scan segments, one message each on the
 * recount queue, each one turn of the worker: it scans its segment into a partial (shared/model/portfolio-recount.ts),
 * stores it and counts the segment once; whoever counts the last merges every partial (exact integer sums: any
 * split, any order) and replaces each tenant's aggregates, with the run's start as the watermark. Safe to run twice
 * for the same message (SQS redelivers): the first partial stored stands, a segment counts once, and a turn that
 * finds every segment counted but the run not completed (its assembler died) assembles it.
 */
import * as z from 'zod/mini';
import { MineralRiskError } from '../errors.ts';
import { mergeRecounts } from '../model/portfolio-recount.ts';
import type { ScoreQueue } from '../queue/port.ts';
import { sendMessages } from '../queue/send-messages.ts';
import type { ContributionScan, PortfolioAggregates, RecountRun, RecountRunStore } from './port.ts';
import { applyRecount, type ReconcileResult, reconcilePortfolios, recountSegment } from './reconcile.ts';

/** Settings of the recount, defined once. */
export const RECOUNT = {
  /**
   * Table items one turn scans at most: above it the recount fans out. Measured locally (`npm run bench --
   * portfolio-recount`): one segment alone scanned 4,400 to 12,400 items a second in two runs, the emulator on the
   * same busy CPU; half the function's 15 minutes at the slower rate is ~2 million.
   */
  itemsPerTurn: 2_000_000,
  /** Segments scanned in parallel within one turn (the recount of a small table). */
  inProcessSegments: 4,
  /** Segments of a fanned-out run at most (the table past 128 × itemsPerTurn items needs turns with continuations). */
  maxSegments: 128,
  /** A run and its partials are kept this long (TTL). */
  ttlSeconds: 3 * 24 * 60 * 60,
} as const;

/** The segments a table of `items` items is recounted in: 1 means one invocation, no fan-out. */
export const recountSegmentsFor = (items: number): number =>
  Math.min(RECOUNT.maxSegments, Math.max(1, Math.ceil(items / RECOUNT.itemsPerTurn)));

/** The recount queue's message: one segment of one run. */
export const recountSegmentMessageSchema = z.object({
  v: z.literal(1),
  kind: z.literal('recount-segment'),
  runId: z.string().check(z.minLength(1), z.maxLength(128)),
  segment: z.int().check(z.gte(0)),
  totalSegments: z.int().check(z.gte(1)),
});
export type RecountSegmentMessage = z.infer<typeof recountSegmentMessageSchema>;

/** The queue took none or only some of a run's segments: the run is marked failed (tomorrow's runs again). */
export class RecountNotQueuedError extends MineralRiskError {
  override readonly name = 'RecountNotQueuedError';
  readonly retryable = true;
}

/** A run counts every segment but finds fewer partials: retried (SQS redelivery), never half a recount. */
export class RecountPartialMissingError extends MineralRiskError {
  override readonly name = 'RecountPartialMissingError';
  readonly retryable = true;
}

export interface RecountFanOut {
  runs: RecountRunStore;
  queue: ScoreQueue;
  /** The table's item count (DynamoDB's estimate, refreshed about every six hours). */
  tableItems: () => Promise<number>;
  newId: () => string;
}

export interface StartRecountDeps {
  scan: ContributionScan;
  aggregates: PortfolioAggregates;
  now: () => Date;
  /** Absent: always recount in one invocation (the local runtime). */
  fanOut?: RecountFanOut;
}

export type RecountStart =
  | ({ mode: 'in-process' } & ReconcileResult)
  | { mode: 'fanned-out'; runId: string; segments: number; items: number };

/** The schedule's turn: the recount here, or a run of segments on the recount queue for a large table. */
export async function startRecount(deps: StartRecountDeps): Promise<RecountStart> {
  const items = deps.fanOut ? await deps.fanOut.tableItems() : 0;
  const segments = recountSegmentsFor(items);
  if (!deps.fanOut || segments === 1) {
    const result = await reconcilePortfolios({ ...deps, segments: RECOUNT.inProcessSegments });
    return { mode: 'in-process', ...result };
  }
  const { runs, queue, newId } = deps.fanOut;
  const now = deps.now();
  // Before any segment's scan: the run's watermark (reconcile.ts).
  const run: RecountRun = {
    runId: newId(),
    at: now.toISOString(),
    segments,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + RECOUNT.ttlSeconds,
  };
  await runs.createRun(run);
  const bodies = Array.from({ length: segments }, (_, segment) => ({
    body: JSON.stringify({
      v: 1,
      kind: 'recount-segment',
      runId: run.runId,
      segment,
      totalSegments: segments,
    } satisfies RecountSegmentMessage),
  }));
  let refused = 0;
  try {
    await sendMessages(queue, bodies, { onRejected: () => refused++ });
  } catch (err) {
    await runs.failRun(run, 'its segments could not be queued', deps.now().toISOString());
    throw new RecountNotQueuedError(`recount run ${run.runId}: ${(err as Error).message}`, { cause: err });
  }
  if (refused > 0) {
    await runs.failRun(run, 'its segments could not be queued', deps.now().toISOString());
    throw new RecountNotQueuedError(`recount run ${run.runId}: ${refused} of ${segments} segments refused`);
  }
  return { mode: 'fanned-out', runId: run.runId, segments, items };
}

export interface RecountSegmentDeps {
  scan: ContributionScan;
  aggregates: PortfolioAggregates;
  runs: RecountRunStore;
  now: () => Date;
}

export type RecountSegmentOutcome = 'counted' | 'assembled' | 'already-counted' | 'ended' | 'no-run';

/** One worker turn on one segment of a run. */
export async function processRecountSegment(
  deps: RecountSegmentDeps,
  message: RecountSegmentMessage,
): Promise<{ outcome: RecountSegmentOutcome; suppliers: number }> {
  const view = await deps.runs.getRun(message.runId);
  if (!view) return { outcome: 'no-run', suppliers: 0 };
  if (view.status !== 'running') return { outcome: 'ended', suppliers: 0 };
  const { run } = view;
  let suppliers = 0;
  let done: number | null = null;
  if (!view.segmentsDone.includes(message.segment)) {
    const partial = await recountSegment(deps.scan, message.segment, run.segments);
    await deps.runs.putPartial(run, message.segment, partial);
    done = await deps.runs.countSegment(run, message.segment);
    if (done !== null) suppliers = partial.suppliers;
  }
  if (done === null) {
    // Counted before: assemble only if every segment is counted and the run is still open.
    const again = await deps.runs.getRun(run.runId);
    if (again?.status !== 'running' || again.segmentsDone.length < run.segments)
      return { outcome: 'already-counted', suppliers: 0 };
  } else if (done < run.segments) return { outcome: 'counted', suppliers };
  const partials = await deps.runs.readPartials(run);
  if (partials.length !== run.segments)
    throw new RecountPartialMissingError(`recount run ${run.runId}: ${partials.length} of ${run.segments} partials`);
  const result = await applyRecount(deps.aggregates, mergeRecounts(partials), run.at);
  await deps.runs.completeRun(run, result, deps.now().toISOString());
  return { outcome: 'assembled', suppliers };
}
