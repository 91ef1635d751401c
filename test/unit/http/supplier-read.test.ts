/**
 * GET /v1/suppliers/{id} reads a compact item (issue 12): the full breakdown is recomputed from the stored input,
 * with the data that computed it when it can be rebuilt (any policy revision of the running release); when the
 * running model or data release are not those that computed the stored score, the answer says so.
 */
import { describe, expect, it } from 'vitest';
import type { ApiDeps, ApiRequest } from '../../../functions/api/deps.ts';
import { getSupplier, listSuppliers } from '../../../functions/api/routes/suppliers.ts';
import { createScorer, MODEL_VERSION } from '../../../shared/model/score.ts';
import { storedScoreOf } from '../../../shared/model/stored-score.ts';
import { buildReferenceData, type ReferenceData, referenceData } from '../../../shared/reference/index.ts';
import type { StoredSupplier, SupplierStore } from '../../../shared/store/port.ts';
import { apiEvent } from '../../helpers/api-events.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const shipped = referenceData();
const input = supplier({ supplierId: 'SUP-1', annualSpendUsd: 2_000_000, exposures: [line('gallium', 'CN', 'CN')] });
const ctx = { asOf: '2026-11-10', buyerCountry: 'DE', endUse: 'civil' as const };
const scored = createScorer(shipped, ctx).score(input);

function stored(overrides: Partial<StoredSupplier['summary']> = {}): StoredSupplier {
  return {
    tenant: 'acme',
    supplierId: 'SUP-1',
    inputVersion: 1,
    input,
    summary: { ...storedScoreOf(scored), ...overrides },
    nextChangeDate: null,
    batchId: null,
    updatedAt: '2026-11-10T00:00:00.000Z',
  };
}

/** The route over a store that holds one supplier, with `ref` as the running reference data. */
async function read(s: StoredSupplier, ref: ReferenceData) {
  const store = {
    getSupplier: async () => s,
    listSuppliers: async () => ({ items: [s], cursor: null }),
  } as unknown as SupplierStore;
  // No policy revisions stored: the shipped timeline is revision 0.
  const policy = { store: { listRevisions: async () => [] } };
  const deps = { store, ref, policy } as unknown as ApiDeps;
  const req = (path: string, params: Record<string, string>): ApiRequest =>
    ({ event: apiEvent({ method: 'GET', path }), params, tenant: 'acme' }) as ApiRequest;
  const one = await getSupplier(req('/v1/suppliers/SUP-1', { supplierId: 'SUP-1' }), deps);
  const page = await listSuppliers(req('/v1/suppliers', {}), deps);
  const body = JSON.parse(one.body);
  expect(JSON.parse(page.body).items).toEqual([body]);
  return body;
}

describe('reading a stored supplier', () => {
  it('recomputes the stored score exactly with the versions that computed it, and says nothing more', async () => {
    const body = await read(stored(), shipped);
    expect(body.score).toEqual(scored);
    expect(body.recomputedWith).toBeNull();
  });

  it('rebuilds the data of an earlier policy revision of the running release: the stored score, exactly', async () => {
    const revised = buildReferenceData({ policyRevision: 4 });
    const body = await read(stored(), revised);
    expect(body.score).toEqual(scored);
    expect(body.recomputedWith).toBeNull();
  });

  it('says when the data release changed since it was scored, with the stored score beside', async () => {
    const next = { ...shipped, referenceVersion: 'ref-0123456789ab', dataVersion: 'ref-0123456789ab' };
    const body = await read(stored(), next);
    expect(body.score).toEqual({ ...scored, dataVersion: next.dataVersion });
    expect(body.recomputedWith).toEqual({
      modelVersion: MODEL_VERSION,
      dataVersion: next.dataVersion,
      stored: { score: scored.score, band: scored.band, modelVersion: MODEL_VERSION, dataVersion: shipped.dataVersion },
    });
  });

  it('says when the model changed since it was scored', async () => {
    const body = await read(stored({ modelVersion: '1.1.0', score: 12.5, band: 'low' }), shipped);
    expect(body.score).toEqual(scored);
    expect(body.recomputedWith).toEqual({
      modelVersion: MODEL_VERSION,
      dataVersion: shipped.dataVersion,
      stored: { score: 12.5, band: 'low', modelVersion: '1.1.0', dataVersion: shipped.dataVersion },
    });
  });
});
