/**
 * The rescore worker through in-memory fakes: one supplier's or one tenant's failure stops no one else, every
 * examined supplier is counted once, and a page is recorded once however often the message is delivered.
 */
import { describe, expect, it } from 'vitest';
import { nextPolicyChange } from '../../../shared/model/policy.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { storedScoreOf } from '../../../shared/model/stored-score.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { planScheduledRun, segmentMessageSchema, startRun } from '../../../shared/pipeline/rescore-run.ts';
import { processSegment } from '../../../shared/pipeline/rescore-segment.ts';
import { CurrentReference } from '../../../shared/policy/current-reference.ts';
import { baselineTimeline, referenceData } from '../../../shared/reference/index.ts';
import type { SupplierWrites } from '../../../shared/store/supplier-port.ts';
import { PartialWriteError, type StoredSupplier } from '../../../shared/store/supplier-port.ts';
import { FakePolicyRevisions } from '../../helpers/fake-policy.ts';
import { fakeQueue } from '../../helpers/fake-ports.ts';
import { FakeRescoreRuns, FakeSupplierScan } from '../../helpers/fake-rescore.ts';
import { line, supplier } from '../../helpers/supplier-input.ts';

const ref = referenceData();
const SCORED_ON = '2026-11-10';
const AS_OF = '2026-11-11';

/** Holmium from China: due on 2026-11-11 (China's Ann. 62 measures), as stored on 2026-11-10. */
function stored(
  tenant: string,
  id: string,
  input: SupplierInput = supplier({ supplierId: id, exposures: [line('holmium', 'CN', 'CN')] }),
): StoredSupplier {
  const ctx = { asOf: SCORED_ON, buyerCountry: 'US', endUse: 'civil' as const };
  return {
    tenant,
    supplierId: id,
    inputVersion: 1,
    input,
    summary: storedScoreOf(createScorer(ref, ctx).score({ ...input, exposures: input.exposures ?? [] })),
    nextChangeDate: nextPolicyChange(ref, ['holmium'], ctx),
    batchId: null,
    updatedAt: '2026-11-10T00:00:00.000Z',
  };
}

function setup(suppliers: StoredSupplier[], failTenant?: string) {
  const written: string[] = [];
  const store = {
    async putScored(tenant: string, _mode: string, items: { input: SupplierInput }[]) {
      if (tenant === failTenant) throw new Error(`store refused ${tenant}`);
      if (tenant === 'partial')
        throw new PartialWriteError(
          { stored: 1, superseded: 0, rowsStored: 1, rowsSuperseded: 0 },
          items.length - 1,
          new Error('throttled'),
        );
      for (const i of items) written.push(`${tenant}/${i.input.supplierId}`);
      return { stored: items.length, superseded: 0, rowsStored: items.length, rowsSuperseded: 0 };
    },
  } as unknown as SupplierWrites;
  const deps = {
    runs: new FakeRescoreRuns(),
    scan: new FakeSupplierScan(suppliers),
    store,
    queue: fakeQueue(),
    reference: new CurrentReference(new FakePolicyRevisions(), baselineTimeline),
    now: () => new Date('2026-11-11T06:00:00Z'),
  };
  return { deps, written };
}

async function drain(deps: ReturnType<typeof setup>['deps']) {
  while (deps.queue.sent.length > 0) {
    const m = segmentMessageSchema.parse(JSON.parse(deps.queue.sent.shift()?.body ?? ''));
    await processSegment(deps, m, { remainingMs: () => 900_000, pageLimit: 3 });
  }
}

describe('a rescore segment', () => {
  it('a stored item the model cannot read fails alone; a tenant whose writes fail fails alone', async () => {
    const suppliers = [
      ...['a', 'b', 'c'].flatMap((t) => Array.from({ length: 10 }, (_, i) => stored(t, `${t}-${i}`))),
      { ...stored('a', 'a-corrupt'), input: { supplierId: 'a-corrupt', exposures: null } as unknown as SupplierInput },
    ];
    const { deps, written } = setup(suppliers, 'b');
    const run = await planScheduledRun({ ...deps }, { asOf: AS_OF, createdBy: 'test' });
    await drain(deps);
    const view = await deps.runs.viewRun(run.runId);
    expect(view?.status).toBe('completed');
    expect(view?.counts).toMatchObject({ examined: 31, rescored: 31, changed: 20, failed: 11 });
    expect(written.sort()).toEqual(
      ['a', 'c'].flatMap((t) => Array.from({ length: 10 }, (_, i) => `${t}/${t}-${i}`)).sort(),
    );
    expect(view?.failures.map((f) => f.supplierId)).toContain('a-corrupt');
    expect(view?.failures.filter((f) => f.tenant === 'b')).toHaveLength(10);
  });

  it('a partial write counts what was stored and what failed', async () => {
    const { deps } = setup(Array.from({ length: 3 }, (_, i) => stored('partial', `p-${i}`)));
    // One segment, so the three suppliers are written in one call.
    const run = await startRun(deps, {
      runId: 'one-segment',
      cause: { kind: 'scheduled' },
      asOf: AS_OF,
      dryRun: false,
      scope: null,
      createdBy: 'test',
      segments: 1,
    });
    await drain(deps);
    expect((await deps.runs.viewRun(run.runId))?.counts).toMatchObject({ examined: 3, changed: 1, failed: 2 });
  });

  it('a message delivered twice records each page once; a second run of the same date starts nothing new', async () => {
    const suppliers = Array.from({ length: 20 }, (_, i) => stored('a', `a-${i}`));
    const { deps, written } = setup(suppliers);
    const run = await planScheduledRun(deps, { asOf: AS_OF, createdBy: 'schedule' });
    const copies = deps.queue.sent.map((e) => ({ ...e }));
    await drain(deps);
    deps.queue.sent.push(...copies);
    await drain(deps);
    expect((await deps.runs.viewRun(run.runId))?.counts.examined).toBe(20);
    expect(new Set(written).size).toBe(20);
    expect(await planScheduledRun(deps, { asOf: AS_OF, createdBy: 'schedule' })).toMatchObject({ runId: run.runId });
    expect(deps.queue.sent).toHaveLength(0);
  });

  it('a start that stopped after recording the run queues its segments when started again', async () => {
    const { deps } = setup([stored('a', 'a-1')]);
    const request = {
      runId: 'scheduled-2026-11-11',
      cause: { kind: 'scheduled' as const },
      asOf: AS_OF,
      dryRun: false,
      scope: null,
      createdBy: 'schedule',
    };
    // The first start recorded the run, then stopped before queueing anything.
    await deps.runs.createRun({ ...request, segments: 32, createdAt: '2026-11-11T06:00:00.000Z' });
    await planScheduledRun(deps, { asOf: AS_OF, createdBy: 'schedule' });
    expect(deps.queue.sent).toHaveLength(32);
    await drain(deps);
    expect((await deps.runs.viewRun(request.runId))?.status).toBe('completed');
  });

  it('a worker short of time still reads one page per turn, so a segment always finishes', async () => {
    const { deps, written } = setup(Array.from({ length: 12 }, (_, i) => stored('a', `a-${i}`)));
    const run = await startRun(deps, {
      runId: 'short',
      cause: { kind: 'scheduled' },
      asOf: AS_OF,
      dryRun: false,
      scope: null,
      createdBy: 'test',
      segments: 1,
    });
    let turns = 0;
    while (deps.queue.sent.length > 0) {
      turns++;
      const m = segmentMessageSchema.parse(JSON.parse(deps.queue.sent.shift()?.body ?? ''));
      await processSegment(deps, m, { remainingMs: () => 1_000, pageLimit: 5 });
    }
    expect(turns).toBe(3);
    expect(written).toHaveLength(12);
    expect((await deps.runs.viewRun(run.runId))?.status).toBe('completed');
  });
});
