/**
 * Folding a tenant's portfolio deltas as its upload is scored (shared/portfolio/fold-after-chunk.ts): through the
 * score use case and in-memory fakes, the chunk that completes a batch folds, and so does every foldEveryChunks-th
 * chunk counted, whatever the order the chunks arrive in and however often they are redelivered; a fold that fails
 * fails no chunk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PORTFOLIO_LOG } from '../../../shared/model/portfolio-fold.ts';
import { scoreChunk } from '../../../shared/pipeline/score-chunk.ts';
import { dueForFold, foldAfterChunk } from '../../../shared/portfolio/fold-after-chunk.ts';
import type { ScoreMessage } from '../../../shared/queue/message.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { fakeSupplierStore } from '../../helpers/fake-store.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const EVERY = PORTFOLIO_LOG.foldEveryChunks;

const message = (chunk: number): ScoreMessage => ({
  v: 1,
  kind: 'upsert',
  tenant: 'acme',
  batchId: 'b-1',
  chunk,
  asOf: '2026-11-10',
  buyerCountry: 'US',
  suppliers: [
    { inputVersion: 100, input: supplier({ supplierId: `S-${chunk}`, exposures: [line('cobalt', 'CD', 'CN')] }) },
  ],
});

async function batchOf(chunks: number) {
  const fakes = fakeSupplierStore();
  await fakes.batches.createBatch({
    tenant: 'acme',
    batchId: 'b-1',
    source: null,
    asOf: null,
    buyerCountry: 'US',
    inputVersion: 100,
  });
  await fakes.batches.recordBatchQueued('acme', 'b-1', {
    rows: chunks,
    accepted: chunks,
    rejected: 0,
    suppliers: chunks,
    chunks,
    rowsNotQueued: 0,
    suppliersNotQueued: 0,
    failure: null,
  });
  const folds: string[] = [];
  const deps = {
    store: fakes.store,
    ref,
    today: () => '2026-11-10',
    portfolio: { folds: { fold: async (tenant: string) => folds.push(tenant) } },
  };
  return { deps, folds, fakes };
}

describe('folding the portfolio deltas as an upload is scored', () => {
  it('folds on the chunk that completes the batch, and on every foldEveryChunks-th chunk counted before it', async () => {
    const chunks = 2 * EVERY + 3;
    const { deps, folds } = await batchOf(chunks);
    for (let chunk = 0; chunk < chunks; chunk++) await scoreChunk(deps, message(chunk));
    expect(folds).toEqual(['acme', 'acme', 'acme']);
  });

  it('in any order of deliveries, a fold per foldEveryChunks counts and one at the end (a redelivery may add one)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 3 * EVERY })
          .chain((chunks) =>
            fc.tuple(
              fc.constant(chunks),
              fc.shuffledSubarray([...Array(chunks).keys()], { minLength: chunks, maxLength: chunks }),
              fc.array(fc.nat({ max: chunks - 1 }), { maxLength: 20 }),
            ),
          ),
        async ([chunks, order, redelivered]) => {
          const { deps, folds } = await batchOf(chunks);
          const mid = Math.floor(order.length / 2);
          const again = redelivered.filter((c) => order.indexOf(c) < mid);
          for (const chunk of [...order.slice(0, mid), ...again]) await scoreChunk(deps, message(chunk));
          for (const chunk of order.slice(mid)) await scoreChunk(deps, message(chunk));
          const cadence = Math.floor((chunks - 1) / EVERY) + 1;
          // A redelivery sees the count as it stands, which may be due: at most one more fold (with little to fold).
          expect(folds.length).toBeGreaterThanOrEqual(cadence);
          expect(folds.length).toBeLessThanOrEqual(cadence + again.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a fold that fails fails no chunk: it is reported, and the chunk is stored and counted', async () => {
    const { deps, fakes } = await batchOf(1);
    const reported: unknown[] = [];
    const failing = {
      ...deps,
      portfolio: {
        folds: {
          fold: async () => {
            throw new Error('throttled');
          },
        },
        onError: (e: unknown) => reported.push(e),
      },
    };
    expect(await scoreChunk(failing, message(0))).toMatchObject({ stored: 1 });
    expect((await fakes.batches.getBatch('acme', 'b-1'))?.status).toBe('completed');
    expect(reported).toHaveLength(1);
  });

  it('is due at the end of a batch (however it ended) and on multiples of foldEveryChunks, never otherwise', () => {
    expect(dueForFold({ status: 'scoring', chunksDone: EVERY })).toBe(true);
    expect(dueForFold({ status: 'scoring', chunksDone: EVERY + 1 })).toBe(false);
    expect(dueForFold({ status: 'scoring', chunksDone: 0 })).toBe(false);
    for (const status of ['completed', 'completed_with_errors', 'failed'] as const)
      expect(dueForFold({ status, chunksDone: 1 })).toBe(true);
  });

  it('folds nothing when not due', async () => {
    let called = 0;
    const folds = { fold: async () => ++called };
    expect(await foldAfterChunk({ folds }, { tenant: 't', status: 'scoring', chunksDone: 3 })).toBe(0);
    expect(called).toBe(0);
  });
});
