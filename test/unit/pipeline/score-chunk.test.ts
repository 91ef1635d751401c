/**
 * Scoring one chunk through in-memory fakes of the store's ports: the chunk's suppliers are stored with the core's
 * scores and counted once on their batch, a redelivery stores and counts nothing more but announces again, what was
 * stored is announced even when others of the chunk failed, and an older input never overwrites a newer one.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../../shared/changes/change-record.ts';
import type { ChangeEvents } from '../../../shared/changes/publish.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { storedScoreOf } from '../../../shared/model/stored-score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { scoreChunk } from '../../../shared/pipeline/score-chunk.ts';
import type { ScoreMessage } from '../../../shared/queue/message.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { PartialWriteError } from '../../../shared/store/supplier-port.ts';
import { fakeSupplierStore } from '../../helpers/fake-store.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const TODAY = '2026-11-10';

const inputs: SupplierInput[] = [
  supplier({ supplierId: 'S-1', exposures: [line('cobalt', 'CD', 'CN')] }),
  supplier({ supplierId: 'S-2', exposures: [line('gallium', 'CN', 'CN'), line('germanium', 'CN', null, 0.5)] }),
  supplier({ supplierId: 'S-3', exposures: [line('copper', 'CL', 'CL')] }),
];

const message = (o: Partial<ScoreMessage> = {}): ScoreMessage => ({
  v: 1,
  kind: 'upsert',
  tenant: 'acme',
  batchId: 'b-1',
  chunk: 0,
  asOf: null,
  buyerCountry: 'US',
  suppliers: inputs.map((input) => ({ inputVersion: 100, input })),
  ...o,
});

function setup() {
  const fakes = fakeSupplierStore();
  const published: ChangeRecord[][] = [];
  const events: ChangeEvents = { publisher: { publish: async (r) => void published.push([...r]) }, minPoints: 0 };
  const deps = { store: fakes.store, ref, today: () => TODAY, events };
  return { ...fakes, published, deps };
}

async function withBatch(s: ReturnType<typeof setup>, chunks = 1) {
  await s.batches.createBatch({
    tenant: 'acme',
    batchId: 'b-1',
    source: null,
    asOf: null,
    buyerCountry: 'US',
    inputVersion: 100,
  });
  await s.batches.recordBatchQueued('acme', 'b-1', {
    rows: 4 * chunks,
    accepted: 4 * chunks,
    rejected: 0,
    suppliers: 3 * chunks,
    chunks,
    rowsNotQueued: 0,
    suppliersNotQueued: 0,
    failure: null,
  });
}

describe('scoring a chunk', () => {
  it("stores each supplier with the core's score as of today and counts the chunk, which completes its batch", async () => {
    const s = setup();
    await withBatch(s);
    const result = await scoreChunk(s.deps, message());
    expect(result).toEqual({ stored: 3, superseded: 0, rowsStored: 4, rowsSuperseded: 0 });
    const scorer = createScorer(ref, { asOf: TODAY, buyerCountry: 'US', endUse: 'civil' });
    for (const input of inputs) {
      const stored = await s.suppliers.getSupplier('acme', input.supplierId);
      expect(stored?.summary).toEqual(storedScoreOf(scorer.score(input)));
      expect(stored?.batchId).toBe('b-1');
    }
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({
      status: 'completed',
      chunksDone: 1,
      suppliersStored: 3,
      rowsStored: 4,
    });
    expect(s.published.flat().map((r) => r.supplierId)).toEqual(['S-1', 'S-2', 'S-3']);
  });

  it('a redelivered message stores and counts nothing more, and announces its changes again', async () => {
    const s = setup();
    await withBatch(s, 2);
    const first = await scoreChunk(s.deps, message());
    const again = await scoreChunk(s.deps, message());
    expect(again).toEqual(first);
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({
      status: 'scoring',
      chunksDone: 1,
      suppliersStored: 3,
    });
    expect(s.published).toHaveLength(2);
    expect(s.published[1]).toEqual(s.published[0]);
  });

  it('an older input is superseded by the newer one stored, and counted so', async () => {
    const s = setup();
    await scoreChunk(
      s.deps,
      message({ batchId: null, chunk: null, suppliers: [{ inputVersion: 200, input: inputs[0] as SupplierInput }] }),
    );
    await withBatch(s);
    const result = await scoreChunk(s.deps, message());
    expect(result).toEqual({ stored: 2, superseded: 1, rowsStored: 3, rowsSuperseded: 1 });
    expect((await s.suppliers.getSupplier('acme', 'S-1'))?.inputVersion).toBe(200);
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({ suppliersStored: 2, suppliersSuperseded: 1 });
  });

  it('a chunk with a failed write fails uncounted, after announcing what it did store', async () => {
    const s = setup();
    await withBatch(s);
    s.suppliers.failing.add('acme/S-2');
    const err = await scoreChunk(s.deps, message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialWriteError);
    expect((err as PartialWriteError).partial).toMatchObject({ stored: 2, rowsStored: 2 });
    expect(s.published.flat().map((r) => r.supplierId)).toEqual(['S-1', 'S-3']);
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({ status: 'scoring', chunksDone: 0 });
    // Its retry stores the rest and counts the whole chunk once.
    s.suppliers.failing.clear();
    expect(await scoreChunk(s.deps, message())).toMatchObject({ stored: 3 });
    expect(await s.batches.getBatch('acme', 'b-1')).toMatchObject({ status: 'completed', suppliersStored: 3 });
  });

  it("a message's as-of date and a rescore: the score moves to that date, keeping the input's upload", async () => {
    const s = setup();
    await scoreChunk(s.deps, message({ batchId: 'b-0', chunk: null }));
    const rescore = message({ kind: 'rescore', batchId: null, chunk: null, asOf: '2027-06-01' });
    expect(await scoreChunk(s.deps, rescore)).toMatchObject({ stored: 3, superseded: 0 });
    const stored = await s.suppliers.getSupplier('acme', 'S-2');
    expect(stored?.summary.asOf).toBe('2027-06-01');
    expect(stored?.batchId).toBe('b-0');
    // A rescore of an input that changed meanwhile is superseded.
    const stale = message({
      kind: 'rescore',
      batchId: null,
      chunk: null,
      suppliers: [{ inputVersion: 99, input: inputs[1] as SupplierInput }],
    });
    expect(await scoreChunk(s.deps, stale)).toMatchObject({ stored: 0, superseded: 1 });
  });

  it("an upload's chunk asks for its new suppliers' records in one change group; an API write and a rescore do not", async () => {
    const s = setup();
    await withBatch(s);
    const asked: (number | undefined)[] = [];
    const putScored = s.deps.store.putScored.bind(s.deps.store);
    const store = Object.assign(Object.create(s.deps.store), {
      putScored: (...a: Parameters<typeof putScored>) => {
        asked.push(a[3]?.group?.chunk);
        return putScored(...a);
      },
    });
    const deps = { ...s.deps, store };
    await scoreChunk(deps, message({ chunk: 4 }));
    await scoreChunk(deps, message({ batchId: null, chunk: null }));
    await scoreChunk(deps, message({ kind: 'rescore', chunk: 5, asOf: '2026-12-03' }));
    expect(asked).toEqual([4, undefined, undefined]);
  });
});
