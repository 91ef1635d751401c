/**
 * Change groups (issue 12), against dynalite: an upload chunk's first-time suppliers get one group item, not a record
 * each; the feed and the history list the very records the writes handed out (what events publish), exactly once
 * under redelivery, a writer dying before the group, and a delivery that stored only part of the chunk. Faults are
 * injected with SDK middleware, as no local service can produce them.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import type { ChangeRecord } from '../../shared/changes/change-record.ts';
import { createScorer } from '../../shared/model/score.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { putChangeGroup } from '../../shared/store/change-groups.ts';
import { DynamoDbChangeLog } from '../../shared/store/change-log.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import {
  CHANGE_SK_PREFIX,
  type ChunkOrigin,
  changeGroupKey,
  isChangeGroupSk,
  supplierIdOfPk,
} from '../../shared/store/keys.ts';
import type { ScoredWrite } from '../../shared/store/supplier-port.ts';
import { line, supplier } from '../helpers/supplier-input.ts';

let dynamo: LocalDynamo;
let store: DynamoDbSupplierStore;
let log: DynamoDbChangeLog;
/** Fails the next `n` change-group writes, as if the writer died right after storing the chunk's suppliers. */
let failGroupWrites = 0;
/** Fails the next write of these suppliers' items. */
const failSupplierWrites = new Set<string>();

const ref = referenceData();
const scorer = createScorer(ref, { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' });
const later = () => new Date(Date.now() + 60_000);
const fault = () => new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} });
const text = (raw: unknown) => (typeof raw === 'string' ? raw : ((raw as { S?: string } | undefined)?.S ?? ''));

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'change-groups-test' });
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName;
      const input = args.input as { Key?: { pk?: unknown; sk?: unknown } };
      // A group's part is created by a conditional UpdateItem (change-groups.ts), as the suppliers are written.
      if (command === 'UpdateItemCommand' && isChangeGroupSk(text(input.Key?.sk)) && failGroupWrites > 0) {
        failGroupWrites--;
        throw fault();
      }
      if (command === 'UpdateItemCommand') {
        const id = supplierIdOfPk(text(input.Key?.pk));
        if (failSupplierWrites.delete(id)) throw fault();
      }
      return next(args);
    },
    { step: 'initialize', name: 'faults' },
  );
  store = new DynamoDbSupplierStore(dynamo.client, dynamo.tableName);
  log = new DynamoDbChangeLog(dynamo.client, dynamo.tableName);
}, 30_000);

afterAll(async () => {
  await dynamo?.stop();
});

const input = (id: string, share: number): SupplierInput =>
  supplier({ supplierId: id, exposures: [line('gallium', 'CN', 'CN', share), line('cobalt', 'CD', 'CN', 1 - share)] });

function chunk(batchId: string, ids: readonly string[], version = 1): ScoredWrite[] {
  return ids.map((id, i) => {
    const x = input(id, (i % 5) / 5);
    return { inputVersion: version, input: x, result: scorer.score(x), nextChangeDate: null, batchId };
  });
}

async function feed(tenant: string, limit: number): Promise<ChangeRecord[]> {
  const items: ChangeRecord[] = [];
  let since: string | undefined;
  for (;;) {
    const page = await log.listChanges(tenant, { limit, now: later(), ...(since ? { since } : {}) });
    items.push(...page.items);
    since = page.cursor;
    if (!page.more) return items;
  }
}

async function history(tenant: string, id: string, limit = 2): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await log.supplierHistory(tenant, id, { limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
}

/** The tenant's change items: groups and single records. */
async function changeItems(tenant: string): Promise<{ groups: number; singles: number }> {
  const r = await DynamoDBDocumentClient.from(dynamo.client).send(new ScanCommand({ TableName: dynamo.tableName }));
  const mine = (r.Items ?? []).filter((i) => String(i.pk).startsWith(`T#${tenant}#`));
  const sks = mine.map((i) => String(i.sk)).filter((sk) => sk.startsWith(CHANGE_SK_PREFIX) || isChangeGroupSk(sk));
  const groups = sks.filter(isChangeGroupSk).length;
  return { groups, singles: sks.length - groups };
}

/** A first delivery that chose its group's time a minute ago, stored the chunk and died before writing the group. */
async function diedAMinuteAgo(t: string, w: ScoredWrite[], chunkNo: number) {
  const past = Date.now() - 60_000;
  const clock = vi.spyOn(Date, 'now').mockReturnValue(past);
  failGroupWrites = 1;
  const first: ChangeRecord[] = [];
  try {
    await expect(store.putScored(t, 'upsert', w, { changes: first, group: { chunk: chunkNo } })).rejects.toThrow();
  } finally {
    clock.mockRestore();
  }
  return { past, first };
}

const chunkOrigin = (batchId: string, chunk: number): ChunkOrigin => ({ kind: 'chunk', batchId, chunk });
const byId = (a: ChangeRecord, b: ChangeRecord) => a.changeId.localeCompare(b.changeId);
const ids = (n: number, prefix = 'G') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('change groups', () => {
  it('a chunk of new suppliers: one group item; the feed and each history list the records the writes handed out', async () => {
    const t = 'one-chunk';
    const changes: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', chunk('b-1', ids(30)), { changes, group: { chunk: 7 } });
    expect(changes).toHaveLength(30);
    expect(await changeItems(t)).toEqual({ groups: 1, singles: 0 });
    for (const limit of [1, 7, 100]) expect((await feed(t, limit)).sort(byId)).toEqual([...changes].sort(byId));
    for (const c of changes.slice(0, 3)) expect(await history(t, c.supplierId, 1)).toEqual([c]);
    // A later change of one of them is its own record, chained to the grouped one.
    const moved: ChangeRecord[] = [];
    const next = chunk('b-2', ['G-001'], 2).map((w) => ({
      ...w,
      input: input('G-001', 1),
      result: scorer.score(input('G-001', 1)),
    }));
    await store.putScored(t, 'upsert', next, { changes: moved, group: { chunk: 0 } });
    expect(moved).toMatchObject([
      { changeId: 'G-001@2', before: changes.find((c) => c.supplierId === 'G-001')?.after },
    ]);
    expect(await changeItems(t)).toEqual({ groups: 1, singles: 1 });
    for (const limit of [1, 2, 5])
      expect((await history(t, 'G-001', limit)).map((c) => c.changeId)).toEqual(['G-001@1', 'G-001@2']);
    expect((await feed(t, 4)).map((c) => c.changeId)).toContain('G-001@2');
  });

  it('a redelivered chunk writes nothing new and hands the same records back', async () => {
    const t = 'redelivered';
    const w = chunk('b-1', ids(12));
    const first: ChangeRecord[] = [];
    const again: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', w, { changes: first, group: { chunk: 1 } });
    await store.putScored(t, 'upsert', w, { changes: again, group: { chunk: 1 } });
    expect(again).toEqual(first);
    expect(await changeItems(t)).toEqual({ groups: 1, singles: 0 });
    expect((await feed(t, 5)).sort(byId)).toEqual([...first].sort(byId));
  });

  it('a writer that died before the group: the redelivery writes it, the same records, once', async () => {
    const t = 'died';
    const w = chunk('b-1', ids(10));
    failGroupWrites = 1;
    const first: ChangeRecord[] = [];
    await expect(store.putScored(t, 'upsert', w, { changes: first, group: { chunk: 2 } })).rejects.toThrow();
    expect(await feed(t, 100)).toEqual([]);
    const again: ChangeRecord[] = [];
    const r = await store.putScored(t, 'upsert', w, { changes: again, group: { chunk: 2 } });
    expect(r.stored).toBe(10);
    expect(again).toEqual(first);
    expect((await feed(t, 3)).sort(byId)).toEqual([...first].sort(byId));
    expect(await history(t, 'G-004')).toEqual(first.filter((c) => c.supplierId === 'G-004'));
  });

  it('a delivery that stored part of the chunk: its part now, the rest in a second part, each record once', async () => {
    const t = 'partial';
    const w = chunk('b-1', ids(10));
    failSupplierWrites.add('G-003');
    failSupplierWrites.add('G-008');
    await expect(store.putScored(t, 'upsert', w, { group: { chunk: 3 } })).rejects.toThrow(
      /2 supplier\(s\) not written/,
    );
    expect((await feed(t, 100)).map((c) => c.supplierId).sort()).toEqual(
      ids(10).filter((id) => id !== 'G-003' && id !== 'G-008'),
    );
    const again: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', w, { changes: again, group: { chunk: 3 } });
    expect(await changeItems(t)).toEqual({ groups: 2, singles: 0 });
    expect((await feed(t, 4)).sort(byId)).toEqual([...again].sort(byId));
    expect(await history(t, 'G-008')).toEqual(again.filter((c) => c.supplierId === 'G-008'));
  });

  it('a group whose time has passed: a pointer at its key, its records at the time they are written, each once', async () => {
    const t = 'stale';
    const w = chunk('b-1', ids(6));
    const { past, first } = await diedAMinuteAgo(t, w, 4);
    // Its redelivery may not add a part the feed's readers may have passed: the part's key points to where it is.
    const again: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', w, { changes: again, group: { chunk: 4 } });
    expect(again).toEqual(first);
    expect(await changeItems(t)).toEqual({ groups: 2, singles: 0 });
    // A writer that still took the group's time for fresh (a concurrent delivery) finds the part: nothing new.
    const key = { tenant: t, origin: chunkOrigin('b-1', 4), recordedAt: new Date(past).toISOString() };
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    expect(await putChangeGroup(doc, dynamo.tableName, key, first, () => new Date(past + 1))).toBe(0);
    await store.putScored(t, 'upsert', w, { changes: [], group: { chunk: 4 } });
    expect(await changeItems(t)).toEqual({ groups: 2, singles: 0 });
    expect((await feed(t, 4)).sort(byId)).toEqual([...first].sort(byId));
    expect(await history(t, 'G-002')).toEqual(first.filter((c) => c.supplierId === 'G-002'));
  });

  it('a pointer whose records never landed (its writer died): settled empty, the records in the next part, once', async () => {
    const t = 'dead-pointer';
    const w = chunk('b-1', ids(5));
    const { past, first } = await diedAMinuteAgo(t, w, 5);
    // A late writer claimed part 0 with a pointer, then died before writing the records where it points.
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const movedTo = new Date(past + 30_000).toISOString();
    await doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { ...changeGroupKey(t, chunkOrigin('b-1', 5), new Date(past).toISOString(), 0), tenant: t, movedTo },
      }),
    );
    const again: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', w, { changes: again, group: { chunk: 5 } });
    expect(again).toEqual(first);
    // The two pointers, the settled empty part, the records.
    expect(await changeItems(t)).toEqual({ groups: 4, singles: 0 });
    expect((await feed(t, 2)).sort(byId)).toEqual([...first].sort(byId));
    expect(await history(t, 'G-003')).toEqual(first.filter((c) => c.supplierId === 'G-003'));
  });

  it('only first writes are grouped: a supplier the API stored first keeps its records beside it', async () => {
    const t = 'mixed';
    const api: ChangeRecord[] = [];
    await store.putScored(
      t,
      'upsert',
      chunk('b-0', ['M-1']).map((w) => ({ ...w, batchId: null })),
      { changes: api },
    );
    const up: ChangeRecord[] = [];
    const w = chunk('b-1', ['M-1', 'M-2']).map((x) => ({ ...x, inputVersion: 2 }));
    w[0] = { ...(w[0] as ScoredWrite), input: input('M-1', 0.6), result: scorer.score(input('M-1', 0.6)) };
    await store.putScored(t, 'upsert', w, { changes: up, group: { chunk: 0 } });
    expect(await changeItems(t)).toEqual({ groups: 1, singles: 2 });
    expect((await history(t, 'M-1')).map((c) => c.changeId)).toEqual(['M-1@1', 'M-1@2']);
    expect(await history(t, 'M-2')).toEqual(up.filter((c) => c.supplierId === 'M-2'));
  });

  it('property: chunks, redeliveries and failures in any order list every first record once, as handed out', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            chunk: fc.integer({ min: 0, max: 2 }),
            fail: fc.subarray(ids(6, 'P')),
            failGroup: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (deliveries) => {
          const t = `prop-${++round}`;
          // Chunk c holds suppliers P-00c*: P-000, P-001 in chunk 0 and so on.
          const chunks = [0, 1, 2].map((c) => chunk('b', ids(6, 'P').slice(2 * c, 2 * c + 2)));
          const handedOut = new Map<string, ChangeRecord>();
          for (const d of deliveries) {
            for (const id of d.fail) failSupplierWrites.add(id);
            failGroupWrites = d.failGroup ? 1 : 0;
            const changes: ChangeRecord[] = [];
            await store
              .putScored(t, 'upsert', chunks[d.chunk] as ScoredWrite[], { changes, group: { chunk: d.chunk } })
              .catch(() => undefined);
            failSupplierWrites.clear();
            failGroupWrites = 0;
            for (const c of changes) {
              const seen = handedOut.get(c.changeId);
              if (seen) expect(c).toEqual(seen);
              handedOut.set(c.changeId, c);
            }
          }
          // Each chunk delivered once more without faults (what SQS does until a delivery succeeds).
          for (const c of new Set(deliveries.map((d) => d.chunk))) {
            const changes: ChangeRecord[] = [];
            await store.putScored(t, 'upsert', chunks[c] as ScoredWrite[], { changes, group: { chunk: c } });
            for (const x of changes) {
              const seen = handedOut.get(x.changeId);
              if (seen) expect(x).toEqual(seen);
              handedOut.set(x.changeId, x);
            }
          }
          const listed = await feed(t, 3);
          expect(listed.map((c) => c.changeId).sort()).toEqual([...handedOut.keys()].sort());
          expect(new Set(listed.map((c) => c.changeId)).size).toBe(listed.length);
          for (const c of listed) expect(c).toEqual(handedOut.get(c.changeId) ?? c);
        },
      ),
      { seed: 12, numRuns: 25 },
    );
  }, 120_000);
});
