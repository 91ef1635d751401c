/**
 * The portfolio delta log and its snapshot on dynalite (shared/store/portfolio-aggregates*.ts): deltas come back as
 * logged (compact, gzipped when larger), a snapshot too large for one item is written in pieces and read back whole,
 * a fold applies once however many run at the same time, and a role that may not write pieces leaves the log as is.
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { type Aggregate, addAggregate, normalise } from '../../shared/model/portfolio-aggregate.ts';
import { PORTFOLIO_LOG } from '../../shared/model/portfolio-fold.ts';
import { AGGREGATE_SNAPSHOT_SK, aggregateSnapshotPk } from '../../shared/store/keys.ts';
import { DynamoDbPortfolioAggregates } from '../../shared/store/portfolio-aggregates.ts';
import { SNAPSHOT_INLINE_BYTES } from '../../shared/store/portfolio-aggregates-snapshot.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'portfolio-delta-log' });
});
afterAll(async () => {
  await dynamo?.stop();
});

/** An aggregate of `cells` cells with random sums (incompressible enough to need pieces when large). */
function randomAggregate(cells: number): Aggregate {
  const agg: Aggregate = new Map();
  for (let i = 0; i < cells; i++) {
    const r = randomBytes(40);
    agg.set(`X#m${i}#${r.toString('hex', 0, 2)}`, {
      n: BigInt(r.readUInt16BE(2) + 1),
      s: r.readBigUInt64BE(4) * 1000n,
      w: r.readBigUInt64BE(12) * 7n,
      u: 0n,
      h: new Map([[r.readUInt16BE(20) % 1001, BigInt(r.readUInt16BE(22) + 1)]]),
    });
  }
  return normalise(agg);
}

/** The snapshot pieces stored for a tenant. */
async function pieces(tenant: string): Promise<number> {
  const r = await dynamo.client.send(
    new QueryCommand({
      TableName: dynamo.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: {
        ':pk': { S: aggregateSnapshotPk(tenant) },
        ':p': { S: `${AGGREGATE_SNAPSHOT_SK}#` },
      },
      Select: 'COUNT',
    }),
  );
  return r.Count ?? 0;
}

const sumOf = (deltas: readonly Aggregate[]) => normalise(deltas.reduce((a, d) => addAggregate(a, d), new Map()));

describe('portfolio delta log on dynalite', () => {
  it('reads at most maxPerShard deltas a shard above the watermark, the oldest, and says when there are more', async () => {
    const aggregates = new DynamoDbPortfolioAggregates(dynamo.client, dynamo.tableName);
    const log = aggregates.table;
    const keys = Array.from({ length: 9 }, (_, i) => `2026-06-01T00:00:0${i}.000Z#k${i}`);
    const deltas = keys.map((key, i) => ({ shard: 3, key, delta: randomAggregate(1 + (i % 3)) }));
    for (const d of deltas) await log.putDelta('t-bound', d);
    const read = (watermark: string | undefined, max: number) =>
      log.readDeltas('t-bound', watermark === undefined ? {} : { 3: watermark }, max);
    const keysOf = (r: Awaited<ReturnType<typeof read>>) => r.deltas.map((d) => d.key);
    expect(keysOf(await read(undefined, 4))).toEqual(keys.slice(0, 4));
    expect((await read(undefined, 4)).complete).toBe(false);
    // The watermark's own delta is folded already: the next four after it.
    const after = await read(keys[2], 4);
    expect(keysOf(after)).toEqual(keys.slice(3, 7));
    expect(after.complete).toBe(false);
    expect(after.deltas[0]?.delta).toEqual(deltas[3]?.delta);
    expect(await read(keys[2], 6)).toMatchObject({ complete: true });
    expect(keysOf(await read(keys[2], 6))).toEqual(keys.slice(3));
    expect(await read(keys[8], 6)).toEqual({ deltas: [], complete: true });
    expect(keysOf(await read(undefined, 9))).toEqual(keys);
    expect((await read(undefined, 9)).complete).toBe(true);
  });

  it('reads every delta back, folds once under concurrent folds, and answers the same after', async () => {
    const clock = { ms: Date.now() };
    const aggregates = new DynamoDbPortfolioAggregates(dynamo.client, dynamo.tableName, {
      now: () => new Date(clock.ms),
    });
    const deltas = [randomAggregate(2), randomAggregate(300), randomAggregate(1)];
    for (const d of deltas) await aggregates.apply('t-fold', d, new Date(clock.ms).toISOString());
    expect((await aggregates.read('t-fold')).aggregate).toEqual(sumOf(deltas));
    clock.ms += PORTFOLIO_LOG.settleMs + 100;
    const folded = await Promise.all([aggregates.fold('t-fold'), aggregates.fold('t-fold'), aggregates.fold('t-fold')]);
    expect(folded.filter((n) => n > 0)).toEqual([deltas.length]);
    expect(await aggregates.fold('t-fold')).toBe(0);
    const after = await aggregates.read('t-fold');
    expect(after.aggregate).toEqual(sumOf(deltas));
    expect(after.updatedAt).not.toBeNull();
  });

  it('writes a large snapshot in pieces, replaces them on the next write, and the API role leaves it to the recount', async () => {
    const clock = { ms: Date.now() };
    const options = { now: () => new Date(clock.ms) };
    const recount = new DynamoDbPortfolioAggregates(dynamo.client, dynamo.tableName, {
      ...options,
      largeSnapshots: true,
    });
    const api = new DynamoDbPortfolioAggregates(dynamo.client, dynamo.tableName, options);
    const big = randomAggregate(Math.ceil(SNAPSHOT_INLINE_BYTES / 15));
    await recount.replace('t-big', big, new Date(clock.ms - 1).toISOString());
    expect(await pieces('t-big')).toBeGreaterThan(1);
    expect((await api.read('t-big')).aggregate).toEqual(big);
    const small = randomAggregate(3);
    await api.apply('t-big', small, new Date(clock.ms).toISOString());
    clock.ms += PORTFOLIO_LOG.settleMs + 100;
    expect(await api.fold('t-big')).toBe(0); // would need pieces: not this role's to write
    expect(await recount.fold('t-big')).toBe(1);
    expect((await api.read('t-big')).aggregate).toEqual(sumOf([big, small]));
    await recount.replace('t-big', small, new Date(clock.ms).toISOString());
    const read = await api.read('t-big');
    expect(read.aggregate).toEqual(small);
    expect(read.reconciledAt).not.toBeNull();
    expect(await pieces('t-big')).toBe(0);
  });
});
