/**
 * Listing a tenant's suppliers while a write moves one of them in the score index, against dynalite. The list reads a
 * shard's bands one query at a time; a supplier rescored between two of those queries is in the index at its old
 * position when the first is read and at its new one when the next is. It must be listed once, as it is now — not
 * left out, not twice, and never through a BatchGetItem with the same key twice (which DynamoDB refuses: a 500 for
 * the caller). Where it lists is the first of its positions the list reaches (the index lags its items).
 *
 * The write is a real one to dynalite, made from SDK middleware only to place it between the list's two queries.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createScorer } from '../../shared/model/score.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { supplierPk } from '../../shared/store/keys.ts';
import { TABLE } from '../../shared/store/table.ts';
import { type Pipeline, startPipeline, supplierInput } from '../helpers/pipeline.ts';
import { context } from '../helpers/supplier-input.ts';

const tenant = 't-moves';
const scorer = createScorer(referenceData(), context('2026-03-01', 'US'));
const CRITICAL = [['gallium', 'CN', 'CN']] as const;
const HIGH = [['cobalt', 'CD', 'CN']] as const;
const LOW = [['lithium', 'AU', 'AU']] as const;

const running: Pipeline[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

const scored = (input: SupplierInput, inputVersion: number) => ({
  inputVersion,
  input,
  result: scorer.score(input),
  nextChangeDate: null,
  batchId: null,
});

/**
 * A pipeline whose store, once, right after the first index query that lists `mover`, stores `mover` again with
 * `after` (version 2): the list's later queries see it at its new position.
 */
async function pipelineMovingOnce(mover: string, after: readonly (readonly [string, string, string])[]) {
  let client: DynamoDBClient | undefined;
  const p = await startPipeline({
    faults: (c) => {
      client = c;
    },
  });
  running.push(p);
  let moved = false;
  const moverPk = supplierPk(tenant, mover);
  const movedTo = scored(
    supplierInput(
      mover,
      after.map((l) => [...l]),
    ),
    2,
  );
  client?.middlewareStack.add(
    (next, ctx) => async (args) => {
      const result = await next(args);
      const input = args.input as { IndexName?: string };
      const items = (result.output as { Items?: { pk?: { S?: string } | string }[] }).Items ?? [];
      const lists = items.some((i) => (typeof i.pk === 'string' ? i.pk : i.pk?.S) === moverPk);
      if (!moved && ctx.commandName === 'QueryCommand' && input.IndexName === TABLE.indexes.byScore.name && lists) {
        moved = true;
        await p.store.putScored(tenant, 'upsert', [movedTo]);
      }
      return result;
    },
    { step: 'initialize', name: 'move-a-supplier-between-queries' },
  );
  return { p, moved: () => moved };
}

async function listAll(p: Pipeline, limit: number): Promise<{ id: string; band: string }[]> {
  const out: { id: string; band: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await p.store.listSuppliers(tenant, { limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((s) => ({ id: s.input.supplierId, band: s.summary.band })));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
}

describe('listSuppliers while a supplier moves to a band read later', () => {
  it.each([1000, 2])('lists it once, as it is now (pages of %i)', async (limit) => {
    const { p, moved } = await pipelineMovingOnce('mover', LOW);
    const ids = ['a', 'b', 'c', 'mover', 'd', 'e'];
    await p.store.putScored(
      tenant,
      'upsert',
      ids.map((id, i) =>
        scored(
          supplierInput(
            id,
            [...(i % 2 ? CRITICAL : HIGH)].map((l) => [...l]),
          ),
          1,
        ),
      ),
    );
    const listed = await listAll(p, limit);
    expect(moved()).toBe(true);
    expect(listed.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(listed.find((s) => s.id === 'mover')?.band).toBe('low');
  });
});
