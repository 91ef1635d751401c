/**
 * A rescore page's change group (issue 12), against dynalite: the records of the suppliers a page moved go in one
 * group per page and tenant; each supplier's history walks back through its groups (`lastIn`, then each group's link)
 * and lists, with the records beside it and in its upload chunk's group, every record the writes handed out, once,
 * in sequence order; the feed lists each once. A page whose group write fails is recovered by its segment's next
 * turn (recordUngrouped, as rescore-segment.ts calls it). Group write failures are injected with SDK middleware, as no
 * local service can produce them.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import type { ChangeCause, ChangeRecord } from '../../shared/changes/change-record.ts';
import { createScorer } from '../../shared/model/score.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { DynamoDbChangeLog } from '../../shared/store/change-log.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { ChangeGroupWriteError } from '../../shared/store/errors.ts';
import { isChangeGroupSk } from '../../shared/store/keys.ts';
import type { PageWrites, ScoredWrite } from '../../shared/store/supplier-port.ts';
import { line, supplier } from '../helpers/supplier-input.ts';

let dynamo: LocalDynamo;
let store: DynamoDbSupplierStore;
let log: DynamoDbChangeLog;
let failGroupWrites = 0;

const ref = referenceData();
/** Dates across China's gallium and graphite measures: a rescore at each moves these suppliers' scores. */
const DATES = ['2023-06-01', '2024-06-01', '2025-06-01', '2026-12-03', '2028-01-01'] as const;
const cause: ChangeCause = { kind: 'policy', fromRevision: 1, toRevision: 2, eventIds: ['CN-2024-46-C2-SUSP'] };
const text = (raw: unknown) => (typeof raw === 'string' ? raw : ((raw as { S?: string } | undefined)?.S ?? ''));

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'rescore-change-groups-test' });
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName;
      const key = (args.input as { Key?: { sk?: unknown } }).Key;
      if (command === 'UpdateItemCommand' && isChangeGroupSk(text(key?.sk)) && failGroupWrites > 0) {
        failGroupWrites--;
        throw new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} });
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
  supplier({
    supplierId: id,
    exposures: [line('gallium', 'CN', 'CN', share), line('graphite', 'CN', 'CN', 1 - share)],
  });
const score = (x: SupplierInput, asOf: string) =>
  createScorer(ref, { asOf, buyerCountry: 'US', endUse: 'civil' }).score(x);

/** A rescore page's writes: each supplier's stored input scored as of `asOf`. */
async function rescoreWrites(t: string, ids: readonly string[], asOf: string): Promise<ScoredWrite[]> {
  const out: ScoredWrite[] = [];
  for (const id of ids) {
    const s = await store.getSupplier(t, id);
    if (!s) continue;
    const result = score(s.input, asOf);
    out.push({
      inputVersion: s.inputVersion,
      input: s.input,
      result,
      nextChangeDate: null,
      batchId: null,
      cause,
      moved: true,
    });
  }
  return out;
}

async function feed(tenant: string): Promise<ChangeRecord[]> {
  const items: ChangeRecord[] = [];
  let since: string | undefined;
  for (;;) {
    const page = await log.listChanges(tenant, {
      limit: 4,
      now: new Date(Date.now() + 60_000),
      ...(since ? { since } : {}),
    });
    items.push(...page.items);
    since = page.cursor;
    if (!page.more) return items;
  }
}

async function history(tenant: string, id: string, limit: number): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await log.supplierHistory(tenant, id, { limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
}

const sequence = (c: ChangeRecord) => Number(c.changeId.split('@')[1]);

describe('rescore page change groups', () => {
  it('a page moves three suppliers: one group, no record beside them; each history ends with its rescore', async () => {
    const t = 'page';
    const ids = ['R-1', 'R-2', 'R-3'];
    const first = ids.map((id, i) => ({ id, x: input(id, 0.3 * i + 0.1) }));
    await store.putScored(
      t,
      'upsert',
      first.map(({ x }) => ({
        inputVersion: 1,
        input: x,
        result: score(x, DATES[0]),
        nextChangeDate: null,
        batchId: null,
      })),
    );
    const changes: ChangeRecord[] = [];
    const page: PageWrites = { runId: 'run-a', segment: 3, page: 0 };
    await store.putScored(t, 'rescore', await rescoreWrites(t, ids, DATES[3]), { changes, page });
    expect(changes).toHaveLength(3);
    for (const c of changes) expect(c.cause).toEqual(cause);
    const listed = await feed(t);
    expect(listed.filter((c) => c.before !== null)).toEqual(expect.arrayContaining(changes));
    expect(listed).toHaveLength(6);
    for (const id of ids) {
      const h = await history(t, id, 1);
      expect(h.map(sequence)).toEqual([1, 2]);
      expect(h[1]).toEqual(changes.find((c) => c.supplierId === id));
    }
    // Another run's worker that meets these items (its own write found them already scored so) derives nothing.
    const other: ChangeRecord[] = [];
    await store.putScored(t, 'rescore', await rescoreWrites(t, ids, DATES[3]), {
      changes: other,
      page: { runId: 'run-b', segment: 3, page: 0 },
    });
    expect(other).toEqual([]);
    expect(await feed(t)).toHaveLength(6);
  });

  it('a group write that fails: the suppliers are stored, the turn fails; the rescan writes the group, once', async () => {
    const t = 'died';
    const x = input('D-1', 0.5);
    await store.putScored(t, 'upsert', [
      { inputVersion: 1, input: x, result: score(x, DATES[1]), nextChangeDate: null, batchId: null },
    ]);
    const page: PageWrites = { runId: 'run-c', segment: 0, page: 7 };
    failGroupWrites = 1;
    const lost: ChangeRecord[] = [];
    await expect(
      store.putScored(t, 'rescore', await rescoreWrites(t, ['D-1'], DATES[3]), { changes: lost, page }),
    ).rejects.toBeInstanceOf(ChangeGroupWriteError);
    expect((await store.getSupplier(t, 'D-1'))?.summary.asOf).toBe(DATES[3]);
    expect((await feed(t)).filter((c) => c.before !== null)).toEqual([]);
    // The segment's next turn: the page again (page 7 of segment 0), the supplier found stored by it.
    const stored = await store.getSupplier(t, 'D-1');
    expect(stored?.pageRef).toBeTruthy();
    const found = [{ supplierId: 'D-1', result: score(x, DATES[3]) }];
    const recovered = await store.recordUngrouped(t, page, found, () => cause);
    expect(recovered).toEqual(lost);
    // Recovered again (a second turn that died after it): nothing new.
    expect(await store.recordUngrouped(t, page, found, () => cause)).toEqual(lost);
    // Not a page of this segment: nothing.
    expect(await store.recordUngrouped(t, { ...page, segment: 1 }, found, () => cause)).toEqual([]);
    const listed = await feed(t);
    expect(listed.filter((c) => c.before !== null)).toEqual(lost);
    expect((await history(t, 'D-1', 5)).map(sequence)).toEqual([1, 2]);
  });

  it('property: rescores (some dying before their group), upserts and redeliveries in any order: each record once, in sequence', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('rescore' as const),
              ids: fc.subarray(['Q-1', 'Q-2', 'Q-3'], { minLength: 1 }),
              date: fc.constantFrom(...DATES),
              dies: fc.boolean(),
              segment: fc.integer({ min: 0, max: 1 }),
            }),
            fc.record({
              kind: fc.constant('upsert' as const),
              id: fc.constantFrom('Q-1', 'Q-2', 'Q-3'),
              share: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
            }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 3 }),
        async (steps, pageSize) => {
          const t = `prop-${++round}`;
          const handedOut = new Map<string, ChangeRecord>();
          const keep = (changes: readonly ChangeRecord[]) => {
            for (const c of changes) {
              const seen = handedOut.get(c.changeId);
              if (seen) expect(c).toEqual(seen);
              handedOut.set(c.changeId, c);
            }
          };
          let version = 1;
          const upsert = async (id: string, share: number) => {
            const x = input(id, share);
            const changes: ChangeRecord[] = [];
            const w = {
              inputVersion: version++,
              input: x,
              result: score(x, DATES[0]),
              nextChangeDate: null,
              batchId: null,
            };
            await store.putScored(t, 'upsert', [w], { changes });
            keep(changes);
          };
          for (const id of ['Q-1', 'Q-2', 'Q-3']) await upsert(id, 0.5);
          let pageNo = 0;
          for (const s of steps) {
            if (s.kind === 'upsert') {
              await upsert(s.id, s.share);
              continue;
            }
            const page: PageWrites = { runId: `run-${s.date}`, segment: s.segment, page: pageNo++ };
            const writes = await rescoreWrites(t, s.ids, s.date);
            const changes: ChangeRecord[] = [];
            failGroupWrites = s.dies ? 1 : 0;
            const died = await store.putScored(t, 'rescore', writes, { changes, page }).then(
              () => false,
              (err) => {
                expect(err).toBeInstanceOf(ChangeGroupWriteError);
                return true;
              },
            );
            failGroupWrites = 0;
            keep(changes);
            if (died) {
              // The segment's next turn scans the page again: what it finds stored by this segment, it records.
              const found = [];
              for (const w of writes) {
                const stored = await store.getSupplier(t, w.input.supplierId);
                if (stored?.pageRef) found.push({ supplierId: w.input.supplierId, result: w.result });
              }
              keep(await store.recordUngrouped(t, page, found, () => cause));
            }
          }
          const listed = await feed(t);
          expect(new Set(listed.map((c) => c.changeId)).size).toBe(listed.length);
          expect(listed.map((c) => c.changeId).sort()).toEqual([...handedOut.keys()].sort());
          for (const c of listed) expect(c).toEqual(handedOut.get(c.changeId));
          for (const id of ['Q-1', 'Q-2', 'Q-3']) {
            const h = await history(t, id, pageSize);
            const want = [...handedOut.values()]
              .filter((c) => c.supplierId === id)
              .sort((a, b) => sequence(a) - sequence(b));
            expect(h).toEqual(want);
          }
        },
      ),
      { seed: 20261203, numRuns: 20 },
    );
  }, 180_000);
});
