/**
 * Change records written with the score (issue 10), against dynalite: one per change, exactly once under
 * redelivery, a chain per supplier (each record's before is the previous one's after), and the tenant feed in
 * recorded order, resumable from its cursor. The only fault injected — a write dying between the supplier item and
 * its record — is made with SDK middleware, as no local service can produce it.
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
import { InvalidCursorError } from '../../shared/store/errors.ts';
import { CHANGE_SK_PREFIX } from '../../shared/store/keys.ts';
import type { ScoredWrite } from '../../shared/store/supplier-port.ts';
import { line, supplier } from '../helpers/supplier-input.ts';

let dynamo: LocalDynamo;
let store: DynamoDbSupplierStore;
let log: DynamoDbChangeLog;
/** Fails the next `n` change-record writes, as if the writer died right after storing the supplier. */
let failRecordWrites = 0;

const ref = referenceData();
const scorer = (asOf: string) => createScorer(ref, { asOf, buyerCountry: 'US', endUse: 'civil' });
/** Well after every record written in this file: the feed serves records once they have settled. */
const later = () => new Date(Date.now() + 60_000);

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'change-log-test' });
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      // Document-client commands reach the stack unmarshalled (a string), low-level ones marshalled ({ S }). A
      // record is created by an UpdateItem of its own key (change-log.ts).
      const raw = (args.input as { Key?: { sk?: string | { S?: string } } }).Key?.sk;
      const sk = typeof raw === 'string' ? raw : (raw?.S ?? '');
      if (
        (context as { commandName?: string }).commandName === 'UpdateItemCommand' &&
        sk.startsWith(CHANGE_SK_PREFIX)
      ) {
        if (failRecordWrites > 0) {
          failRecordWrites--;
          throw new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'failRecordWrites' },
  );
  store = new DynamoDbSupplierStore(dynamo.client, dynamo.tableName);
  log = new DynamoDbChangeLog(dynamo.client, dynamo.tableName);
}, 30_000);

afterAll(async () => {
  await dynamo?.stop();
});

const gallium = (id: string, share = 1): SupplierInput =>
  supplier({ supplierId: id, exposures: [line('gallium', 'CN', 'CN', share), line('nickel', 'AU', 'AU', 1 - share)] });

function write(input: SupplierInput, version: number, asOf = '2026-12-03', batchId: string | null = null): ScoredWrite {
  return { inputVersion: version, input, result: scorer(asOf).score(input), nextChangeDate: null, batchId };
}

async function history(tenant: string, id: string): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await log.supplierHistory(tenant, id, { limit: 2, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return out;
}

async function feed(tenant: string, limit: number, since?: string): Promise<{ items: ChangeRecord[]; cursor: string }> {
  const items: ChangeRecord[] = [];
  let cursor = since;
  for (;;) {
    const page = await log.listChanges(tenant, { limit, now: later(), ...(cursor ? { since: cursor } : {}) });
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.more) return { items, cursor };
  }
}

describe('change records', () => {
  it('a new supplier, an upsert that moves it, a rescore that does not, a delete: three records, a chain', async () => {
    const t = 'acme';
    const changes: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', [write(gallium('S-1'), 1, '2026-12-03', 'b-1')], { changes });
    expect(changes).toMatchObject([{ changeId: 'S-1@1', cause: { kind: 'upload', batchId: 'b-1' }, before: null }]);
    await store.putScored(t, 'upsert', [write(gallium('S-1', 0.2), 2)], { changes });
    // Same input, scored again on another day with nothing moving: not a change.
    await store.putScored(t, 'rescore', [{ ...write(gallium('S-1', 0.2), 2, '2026-12-04'), cause: { kind: 'date' } }], {
      changes,
    });
    await store.deleteSupplier(t, 'S-1', 3, { changes });
    expect(changes.map((c) => c.changeId)).toEqual(['S-1@1', 'S-1@2', 'S-1@4']);
    expect(changes[1]).toMatchObject({ cause: { kind: 'api' }, before: changes[0]?.after });
    expect(changes[1]?.delta).toBeLessThan(0);
    expect(changes[2]).toMatchObject({ cause: { kind: 'delete' }, before: changes[1]?.after, after: null });
    expect(await history(t, 'S-1')).toEqual(changes);
    // Deleting the tombstone again writes nothing new.
    await store.deleteSupplier(t, 'S-1', 4, { changes });
    expect(await history(t, 'S-1')).toHaveLength(3);
  });

  it('a redelivered write finds its change recorded once, and hands it back to publish again', async () => {
    const t = 'redeliver';
    const w = write(gallium('S-2'), 10, '2026-12-03', 'b-2');
    const first: ChangeRecord[] = [];
    const again: ChangeRecord[] = [];
    await store.putScored(t, 'upsert', [w], { changes: first });
    await store.putScored(t, 'upsert', [w], { changes: again });
    expect(again).toEqual(first);
    expect(await history(t, 'S-2')).toEqual(first);
  });

  it('a writer that died between the score and its record: the redelivery writes the record, the same one', async () => {
    const t = 'crash';
    await store.putScored(t, 'upsert', [write(gallium('S-3'), 1)]);
    failRecordWrites = 1;
    const w = write(gallium('S-3', 0.1), 2, '2026-12-03', 'b-3');
    await expect(store.putScored(t, 'upsert', [w])).rejects.toThrow(/not written/);
    expect((await store.getSupplier(t, 'S-3'))?.inputVersion).toBe(2);
    expect(await history(t, 'S-3')).toHaveLength(1);
    const changes: ChangeRecord[] = [];
    const r = await store.putScored(t, 'upsert', [w], { changes });
    expect(r.stored).toBe(1);
    const h = await history(t, 'S-3');
    expect(h).toHaveLength(2);
    expect(h[1]).toEqual(changes[0]);
    expect(h[1]).toMatchObject({ changeId: 'S-3@2', cause: { kind: 'upload', batchId: 'b-3' }, before: h[0]?.after });
  });

  it('a delete that died before its record: deleting again writes the first delete’s record', async () => {
    const t = 'crash-delete';
    await store.putScored(t, 'upsert', [write(gallium('S-4'), 1)]);
    failRecordWrites = 1;
    await expect(store.deleteSupplier(t, 'S-4', 2)).rejects.toThrow();
    expect(await store.getSupplier(t, 'S-4')).toBeNull();
    expect(await history(t, 'S-4')).toHaveLength(1);
    expect(await store.deleteSupplier(t, 'S-4', 3)).toBe('absent');
    const h = await history(t, 'S-4');
    expect(h.map((c) => [c.changeId, c.after])).toEqual([
      ['S-4@1', h[0]?.after],
      ['S-4@2', null],
    ]);
  });

  it('property: any sequence of writes leaves one record per visible change, each before the previous after', async () => {
    let round = 0;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('upsert' as const), share: fc.constantFrom(0, 0.3, 0.6, 1) }),
      fc.record({
        kind: fc.constant('rescore' as const),
        asOf: fc.constantFrom('2026-11-01', '2026-12-03', '2027-06-01'),
      }),
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('redeliver' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const t = `prop-${++round}`;
        const id = 'P';
        let version = 0;
        let live: ScoredWrite | null = null;
        let last: ScoredWrite | null = null;
        let visible: { score: number; band: string; worst: unknown } | null = null;
        let expectedChanges = 0;
        const see = (s: { score: number; band: string; worst: unknown } | null) => {
          const same =
            (s === null && visible === null) ||
            (s !== null &&
              visible !== null &&
              s.score === visible.score &&
              s.band === visible.band &&
              JSON.stringify(s.worst) === JSON.stringify(visible.worst));
          if (!same) expectedChanges++;
          visible = s;
        };
        for (const o of ops) {
          if (o.kind === 'upsert') {
            last = write(gallium(id, o.share), ++version);
            await store.putScored(t, 'upsert', [last]);
            live = last;
            see(last.result);
          } else if (o.kind === 'rescore' && live) {
            const cause: ChangeCause = { kind: 'date' };
            const w: ScoredWrite = { ...live, result: scorer(o.asOf).score(live.input), cause };
            if (w.result.asOf === live.result.asOf) continue;
            await store.putScored(t, 'rescore', [w]);
            live = w;
            see(w.result);
          } else if (o.kind === 'delete') {
            await store.deleteSupplier(t, id, ++version);
            live = null;
            see(null);
          } else if (o.kind === 'redeliver' && last) {
            await store.putScored(t, 'upsert', [last]);
          }
        }
        const h = await history(t, id);
        expect(h).toHaveLength(expectedChanges);
        for (let i = 1; i < h.length; i++) expect(h[i]?.before).toEqual(h[i - 1]?.after);
        expect(new Set(h.map((c) => c.changeId)).size).toBe(h.length);
      }),
      { seed: 10, numRuns: 40 },
    );
  }, 60_000);
});

describe('the tenant feed', () => {
  const t = 'feed';
  const ids = Array.from({ length: 23 }, (_, i) => `F-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    for (const id of ids) await store.putScored(t, 'upsert', [write(gallium(id), 1)]);
    await store.putScored('feed-other', 'upsert', [write(gallium('X'), 1)]);
  });

  it('lists every record once, oldest first, over pages of any size, and only the tenant’s', async () => {
    for (const limit of [1, 4, 23, 100]) {
      const { items } = await feed(t, limit);
      expect(items.map((c) => c.supplierId)).toEqual(ids);
      expect(items.every((c) => c.tenant === t)).toBe(true);
    }
  });

  it('resumes from its cursor: a poller sees what came after, and nothing twice', async () => {
    const { items, cursor } = await feed(t, 10);
    expect(items).toHaveLength(ids.length);
    const quiet = await log.listChanges(t, { since: cursor, now: later() });
    expect(quiet).toMatchObject({ items: [], more: false, cursor });
    await store.putScored(t, 'upsert', [write(gallium('F-00', 0.5), 2)]);
    const next = await feed(t, 10, cursor);
    expect(next.items.map((c) => c.changeId)).toEqual(['F-00@2']);
  });

  it('holds back records younger than the settle window', async () => {
    const page = await log.listChanges(t, { now: new Date(Date.now() - 3_600_000) });
    expect(page).toMatchObject({ items: [], more: false });
  });

  it('filters within a bounded read: matches only, the cursor still moves on', async () => {
    const page = await log.listChanges(t, { now: later(), filter: (c) => c.supplierId === 'F-05', maxExamined: 10 });
    expect(page.items.map((c) => c.supplierId)).toEqual(['F-05']);
    expect(page.more).toBe(true);
  });

  it('refuses a cursor it did not give out', async () => {
    for (const bad of ['nope', 'c1.!!', `c1.${Buffer.from('2026#x').toString('base64url')}`])
      await expect(log.listChanges(t, { since: bad })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(log.supplierHistory(t, 'F-01', { cursor: 'Q0hHIzE' })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
