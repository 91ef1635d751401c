/**
 * The batch life cycle as pure code: any order of chunk deliveries, redeliveries, dead-letterings and redrives
 * counts each chunk once, closes the batch exactly when every chunk is accounted for, and never reopens it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBatchEvent,
  type BatchEvent,
  type BatchState,
  chunkScored,
  completion,
  deadLetteredPart,
  FAILURE_MAX_CHARS,
  newBatchRecord,
} from '../../../shared/pipeline/batch-lifecycle.ts';
import type { BatchTotals } from '../../../shared/store/batch-port.ts';
import type { PutScoredResult } from '../../../shared/store/supplier-port.ts';

const AT = '2026-11-10T00:00:00.000Z';
const fresh = (): BatchState => ({
  record: newBatchRecord(
    { tenant: 't', batchId: 'b', source: null, asOf: null, buyerCountry: 'US', inputVersion: 1 },
    '2026-11-09T00:00:00.000Z',
  ),
  chunks: new Map(),
});
const at = (i: number) => new Date(Date.parse(AT) + i * 1000).toISOString();
const run = (events: BatchEvent[], from: BatchState = fresh()) => {
  const states = [from];
  events.forEach((e, i) => {
    states.push(applyBatchEvent(states[states.length - 1] as BatchState, e, at(i)));
  });
  return states;
};

const totals = (chunks: number, rowsNotQueued = 0): BatchTotals => ({
  rows: chunks * 10,
  accepted: chunks * 10,
  rejected: 0,
  suppliers: chunks * 5,
  chunks,
  rowsNotQueued,
  suppliersNotQueued: rowsNotQueued > 0 ? 1 : 0,
  failure: rowsNotQueued > 0 ? 'the score queue was unavailable' : null,
});

const result: fc.Arbitrary<PutScoredResult> = fc
  .record({ stored: fc.nat(5), superseded: fc.nat(5) })
  .map(({ stored, superseded }) => ({ stored, superseded, rowsStored: stored * 2, rowsSuperseded: superseded * 2 }));

/** Events of a batch of `chunks` chunks: ingest's totals (maybe twice) and each chunk scored or dead-lettered, some
 * several times, some redriven, in any order. Each chunk's deliveries carry the same result (the same message). */
const scenario = fc.integer({ min: 0, max: 6 }).chain((chunks) =>
  fc
    .record({
      results: fc.array(result, { minLength: chunks, maxLength: chunks }),
      lostRows: fc.array(fc.nat(10), { minLength: chunks, maxLength: chunks }),
      partials: fc.array(result, { minLength: chunks, maxLength: chunks }),
      notQueued: fc.constantFrom(0, 0, 3),
      picks: fc.array(fc.record({ chunk: fc.nat(Math.max(0, chunks - 1)), dead: fc.boolean() }), { maxLength: 30 }),
      queuedAt: fc.nat(30),
      queuedTwice: fc.boolean(),
    })
    .map(({ results, lostRows, partials, notQueued, picks, queuedAt, queuedTwice }) => {
      const events: BatchEvent[] = picks
        .filter(() => chunks > 0)
        .map(({ chunk, dead }) =>
          dead
            ? {
                kind: 'chunk-dead-lettered' as const,
                chunk,
                dead: { rows: lostRows[chunk] ?? 0, partial: partials[chunk] as PutScoredResult },
              }
            : { kind: 'chunk-scored' as const, chunk, result: results[chunk] as PutScoredResult },
        );
      const queued: BatchEvent = { kind: 'queued', totals: totals(chunks, notQueued) };
      events.splice(Math.min(queuedAt, events.length), 0, queued);
      if (queuedTwice) events.push(queued);
      return { chunks, results, lostRows, partials, events };
    }),
);

describe('the batch life cycle', () => {
  it('counts add up: each chunk once, as scored (its result) or as dead-lettered (its rows), whatever the order', () => {
    fc.assert(
      fc.property(scenario, ({ results, lostRows, partials, events }) => {
        const end = run(events).at(-1) as BatchState;
        const marks = [...end.chunks.entries()];
        const scored = marks.filter(([, m]) => m.kind === 'scored').map(([c]) => c);
        const dead = marks.filter(([, m]) => m.kind === 'dead-lettered').map(([c]) => c);
        const sum = (cs: number[], f: (c: number) => number) => cs.reduce((n, c) => n + f(c), 0);
        const r = end.record;
        expect(r.chunksDone).toBe(scored.length);
        expect(r.chunksDeadLettered).toBe(dead.length);
        expect(r.rowsDeadLettered).toBe(sum(dead, (c) => lostRows[c] ?? 0));
        // What a dead-lettered chunk's deliveries wrote counts as stored or superseded; a redrive replaces it.
        const counted = (c: number) =>
          (end.chunks.get(c)?.kind === 'scored' ? results[c] : partials[c]) as PutScoredResult;
        const all = [...scored, ...dead];
        expect(r.suppliersStored).toBe(sum(all, (c) => counted(c).stored));
        expect(r.suppliersSuperseded).toBe(sum(all, (c) => counted(c).superseded));
        expect(r.rowsStored).toBe(sum(all, (c) => counted(c).rowsStored));
        expect(r.rowsSuperseded).toBe(sum(all, (c) => counted(c).rowsSuperseded));
      }),
    );
  });

  it('completes exactly when every chunk is accounted for, with errors exactly when rows were lost', () => {
    fc.assert(
      fc.property(scenario, ({ chunks, events }) => {
        for (const { record: r } of run(events).slice(1)) {
          const accounted = r.chunks !== null && r.chunksDone + r.chunksDeadLettered >= chunks;
          expect(r.completedAt !== null).toBe(accounted);
          if (r.completedAt === null) continue;
          const lost = r.chunksDeadLettered > 0 || r.rowsNotQueued > 0;
          expect(r.status).toBe(lost ? 'completed_with_errors' : 'completed');
        }
      }),
    );
  });

  it('a completed batch stays completed: its completion time never moves and it never goes back to scoring', () => {
    fc.assert(
      fc.property(scenario, fc.string(), ({ events }, reason) => {
        const states = run([...events, { kind: 'stalled', reason }]);
        const first = states.findIndex((s) => s.record.completedAt !== null);
        if (first < 0) return;
        const completedAt = states[first]?.record.completedAt;
        for (const s of states.slice(first)) {
          expect(s.record.completedAt).toBe(completedAt);
          expect(['completed', 'completed_with_errors']).toContain(s.record.status);
        }
      }),
    );
  });

  it('a redelivered chunk adds nothing, and changes nothing at all', () => {
    fc.assert(
      fc.property(scenario, ({ events }) => {
        const end = run(events).at(-1) as BatchState;
        for (const [chunk, mark] of end.chunks) {
          if (mark.kind !== 'scored') continue;
          const again = applyBatchEvent(
            end,
            { kind: 'chunk-scored', chunk, result: { stored: 9, superseded: 9, rowsStored: 9, rowsSuperseded: 9 } },
            at(99),
          );
          expect(again).toBe(end);
        }
      }),
    );
  });

  it('a redrive takes the dead-lettered part back out exactly: the batch loses its errors', () => {
    const partial = { stored: 2, superseded: 1, rowsStored: 4, rowsSuperseded: 2 };
    const states = run([
      { kind: 'queued', totals: totals(2) },
      { kind: 'chunk-scored', chunk: 0, result: { stored: 5, superseded: 0, rowsStored: 10, rowsSuperseded: 0 } },
      { kind: 'chunk-dead-lettered', chunk: 1, dead: { rows: 4, partial } },
    ]);
    const withErrors = states.at(-1) as BatchState;
    expect(withErrors.record).toMatchObject({
      status: 'completed_with_errors',
      rowsDeadLettered: 4,
      suppliersStored: 7,
    });
    const redriven = applyBatchEvent(
      withErrors,
      { kind: 'chunk-scored', chunk: 1, result: { stored: 4, superseded: 1, rowsStored: 8, rowsSuperseded: 2 } },
      at(10),
    );
    expect(redriven.record).toMatchObject({
      status: 'completed',
      completedAt: withErrors.record.completedAt,
      chunksDone: 2,
      chunksDeadLettered: 0,
      rowsDeadLettered: 0,
      suppliersStored: 9,
      suppliersSuperseded: 1,
      rowsStored: 18,
      rowsSuperseded: 2,
    });
  });

  it('rows never queued keep a completed batch with errors, even with every chunk scored', () => {
    const end = run([
      { kind: 'chunk-scored', chunk: 0, result: { stored: 1, superseded: 0, rowsStored: 1, rowsSuperseded: 0 } },
      { kind: 'queued', totals: totals(1, 3) },
    ]).at(-1) as BatchState;
    expect(end.record).toMatchObject({ status: 'completed_with_errors', failure: 'the score queue was unavailable' });
    expect(completion(end.record)).toEqual({ kind: 'none' });
  });

  it('a batch with no chunks completes when ingest records it; one whose file failed never completes', () => {
    expect(run([{ kind: 'queued', totals: totals(0) }]).at(-1)?.record.status).toBe('completed');
    const failed = run([{ kind: 'failed', reason: 'x'.repeat(2 * FAILURE_MAX_CHARS) }]).at(-1) as BatchState;
    expect(failed.record).toMatchObject({ status: 'failed', completedAt: null });
    expect(failed.record.failure).toHaveLength(FAILURE_MAX_CHARS);
    expect(completion(failed.record)).toEqual({ kind: 'none' });
  });

  it('a stall fails only an ingesting batch', () => {
    const stalled = run([{ kind: 'stalled', reason: 'ingest stopped' }]).at(-1) as BatchState;
    expect(stalled.record).toMatchObject({ status: 'failed', failure: 'ingest stopped' });
    const scoring = run([{ kind: 'queued', totals: totals(2) }]).at(-1) as BatchState;
    expect(applyBatchEvent(scoring, { kind: 'stalled', reason: 'late' }, at(5))).toBe(scoring);
  });

  it('reads a dead-lettered part as stored, including the plain row count of older records', () => {
    expect(deadLetteredPart(7)).toEqual({ rows: 7, stored: 0, superseded: 0, rowsStored: 0, rowsSuperseded: 0 });
    expect(deadLetteredPart({ rows: 3, stored: 1 })).toEqual({
      rows: 3,
      stored: 1,
      superseded: 0,
      rowsStored: 0,
      rowsSuperseded: 0,
    });
    expect(chunkScored({ kind: 'scored' }, { stored: 1, superseded: 0, rowsStored: 1, rowsSuperseded: 0 })).toBeNull();
  });
});
