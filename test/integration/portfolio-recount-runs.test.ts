/**
 * Portfolio recount runs on dynalite (shared/store/portfolio-recount-runs.ts): the first partial a segment stores
 * stands (one larger than an item, in pieces, reads back whole), a segment counts once, a run ends once, and the
 * partials read back are what was stored.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import type { Aggregate } from '../../shared/model/portfolio-aggregate.ts';
import { normalise } from '../../shared/model/portfolio-aggregate.ts';
import { mergeRecounts, type RecountPartial } from '../../shared/model/portfolio-recount.ts';
import type { RecountRun } from '../../shared/portfolio/port.ts';
import { DynamoDbRecountRuns } from '../../shared/store/portfolio-recount-runs.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'portfolio-recount-runs' });
});
afterAll(async () => {
  await dynamo?.stop();
});

/** An aggregate of `cells` random cells (incompressible enough that many make a partial larger than an item). */
function randomAggregate(cells: number): Aggregate {
  const agg: Aggregate = new Map();
  for (let i = 0; i < cells; i++) {
    const r = randomBytes(24);
    agg.set(`X#m${i}#${r.toString('hex', 0, 3)}`, {
      n: BigInt(r.readUInt16BE(3) + 1),
      s: r.readBigUInt64BE(5) * 1000n,
      w: r.readBigUInt64BE(13),
      u: 0n,
      h: new Map([[r.readUInt16BE(21) % 1001, 1n]]),
    });
  }
  return normalise(agg);
}

const partial = (tenants: number, cells: number, aggregateTenants: string[] = []): RecountPartial => ({
  aggregates: new Map(Array.from({ length: tenants }, (_, i) => [`t${i}`, randomAggregate(cells)])),
  aggregateTenants,
  suppliers: tenants * cells,
});

const run = (runId: string): RecountRun => ({
  runId,
  at: '2026-12-03T04:45:00.000Z',
  segments: 2,
  createdAt: '2026-12-03T04:45:00.000Z',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
});

describe('portfolio recount runs on dynalite', () => {
  it('keeps the first partial of a segment, counts a segment once, and reads the partials back as stored', async () => {
    const runs = new DynamoDbRecountRuns(dynamo.client, dynamo.tableName);
    const r = run('run-a');
    await runs.createRun(r);
    await expect(runs.createRun(r)).rejects.toThrow();
    // Large enough to need several pieces of 300 KB gzipped.
    const big = partial(3, 8000, ['gone']);
    const small = partial(2, 5);
    expect(await runs.putPartial(r, 0, big)).toBe(true);
    expect(await runs.putPartial(r, 0, partial(1, 1))).toBe(false);
    expect(await runs.putPartial(r, 1, small)).toBe(true);
    expect(await runs.countSegment(r, 1)).toBe(1);
    expect(await runs.countSegment(r, 1)).toBeNull();
    expect(await runs.countSegment(r, 0)).toBe(2);
    const read = await runs.readPartials(r);
    expect(read).toHaveLength(2);
    expect(mergeRecounts(read)).toEqual(mergeRecounts([big, small]));
    expect(await runs.getRun('run-a')).toMatchObject({ status: 'running', segmentsDone: [0, 1], result: null });
  }, 60_000);

  it('ends a run once: completed stays completed, a later failure changes nothing; a missing run is null', async () => {
    const runs = new DynamoDbRecountRuns(dynamo.client, dynamo.tableName);
    const r = run('run-b');
    await runs.createRun(r);
    await runs.completeRun(r, { tenants: 3, suppliers: 40 }, '2026-12-03T05:00:00.000Z');
    await runs.failRun(r, 'late', '2026-12-03T05:01:00.000Z');
    await runs.completeRun(r, { tenants: 9, suppliers: 9 }, '2026-12-03T05:02:00.000Z');
    expect(await runs.getRun('run-b')).toMatchObject({
      run: r,
      status: 'completed',
      result: { tenants: 3, suppliers: 40 },
    });
    expect(await runs.countSegment(r, 0)).toBeNull();
    expect(await runs.getRun('never')).toBeNull();
  });
});
