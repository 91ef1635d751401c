/**
 * A batch's rejections on dynalite, against the in-memory fake the unit tests use: whatever a file's rejections are —
 * a CSV's (one per row, in row order) or a workbook's (several on one row, on several sheets, each with its cell) —
 * paging through them gives back exactly the list that was put, in its order, with every field.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import type { RejectionStore } from '../../shared/store/rejection-port.ts';
import { DynamoDbRejections } from '../../shared/store/rejections.ts';
import type { Rejection } from '../../shared/supplier-list/row.ts';
import { FakeRejections } from '../helpers/fake-store.ts';

let dynamo: LocalDynamo;
let rejections: DynamoDbRejections;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: `rejections-${Math.random().toString(36).slice(2)}` });
  rejections = new DynamoDbRejections(dynamo.client, dynamo.tableName);
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A CSV's rejections: distinct rows, ascending. */
const csvRejections: fc.Arbitrary<Rejection[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 40 })
  .map((rows) =>
    [...rows]
      .sort((a, b) => a - b)
      .map((row) => ({ row, field: 'mineral', value: `v${row}`, message: 'unknown mineral' })),
  );

/** A workbook's rejections, in sheet order: rows repeat (several cells of a row, the same row on two sheets). */
const workbookRejections: fc.Arbitrary<Rejection[]> = fc.array(
  fc.record({
    row: fc.integer({ min: 1, max: 30 }),
    field: fc.constantFrom('processing_country', 'origin_country', 'processor', 'supplier_id'),
    value: fc.string({ maxLength: 12 }),
    message: fc.constantFrom("unknown country 'Atlantis'", "smelter id 'CID999999' is not in the look-up"),
    sheet: fc.constantFrom('Smelter List', 'Mine List', 'Declaration'),
    cell: fc.constantFrom('A', 'E', 'O', 'D').chain((c) => fc.integer({ min: 1, max: 30 }).map((r) => `${c}${r}`)),
  }),
  { maxLength: 40 },
);

async function pages(store: RejectionStore, tenant: string, batchId: string, limit: number) {
  const out: Rejection[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page: { items: Rejection[]; next: number | null } = await store.listRejections(tenant, batchId, {
      limit,
      after,
    });
    out.push(...page.items);
    after = page.next;
  }
  return out;
}

let batch = 0;

describe('a batch’s rejections', () => {
  it('page back exactly as put, CSV rows or workbook cells, on dynalite as in the fake', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(csvRejections, workbookRejections),
        fc.integer({ min: 1, max: 7 }),
        async (put, limit) => {
          const batchId = `b-${++batch}`;
          const fake = new FakeRejections();
          await rejections.putRejections('acme', batchId, put);
          await fake.putRejections('acme', batchId, put);
          const stored = await pages(rejections, 'acme', batchId, limit);
          expect(stored).toEqual(put);
          expect(await pages(fake, 'acme', batchId, limit)).toEqual(put);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('putting the same rejections again (ingest run twice on one file) changes nothing', async () => {
    const put: Rejection[] = [
      {
        row: 8,
        field: 'processor',
        value: 'CID999999',
        message: 'not in the look-up',
        sheet: 'Smelter List',
        cell: 'A8',
      },
      { row: 8, field: 'origin_country', value: 'Atlantis', message: 'unknown', sheet: 'Smelter List', cell: 'O8' },
      { row: 8, field: 'supplier_id', value: '', message: 'company missing', sheet: 'Declaration', cell: 'D8' },
    ];
    await rejections.putRejections('acme', 'twice', put);
    await rejections.putRejections('acme', 'twice', put);
    expect(await pages(rejections, 'acme', 'twice', 2)).toEqual(put);
  });
});
