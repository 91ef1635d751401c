/**
 * The rescore fan-out on dynalite: a policy revision rescores exactly the suppliers it moves, across tenants, in
 * resumable segments; unchanged suppliers are not written; a piece that dies is resumed; a dry run writes nothing.
 */
import { type DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { nextPolicyChange } from '../../shared/model/policy.ts';
import { createScorer, MODEL_VERSION } from '../../shared/model/score.ts';
import type { SupplierInput } from '../../shared/model/types.ts';
import { planPolicyRun, RESCORE_RUN, segmentMessageSchema, startRun } from '../../shared/pipeline/rescore-run.ts';
import { processSegment } from '../../shared/pipeline/rescore-segment.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { recordRevision } from '../../shared/policy/record-revision.ts';
import { baselineTimeline, type ReferenceData, referenceData } from '../../shared/reference/index.ts';
import type { PolicyEvent } from '../../shared/reference/types.ts';
import { DynamoDbChangeLog } from '../../shared/store/change-log.ts';
import { DynamoDbSupplierStore } from '../../shared/store/dynamodb-supplier-store.ts';
import { CHANGE_SK_PREFIX, isChangeGroupSk, TENANT_PK_PREFIX } from '../../shared/store/keys.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';
import { DynamoDbRescoreRuns } from '../../shared/store/rescore-runs.ts';
import { DynamoDbSupplierScan } from '../../shared/store/supplier-scan.ts';
import { type FakeQueue, fakeQueue } from '../helpers/fake-ports.ts';
import { line, supplier } from '../helpers/supplier-input.ts';

const AS_OF = '2026-12-03';
const MINERALS = ['gallium', 'cobalt', 'graphite', 'lithium', 'antimony', 'dysprosium'];
const COUNTRIES = ['CN', 'CD', 'AU', 'CL', 'ID'];
const source = { source: 'MOFCOM announcement', sourceUrl: 'https://example.org/mofcom', sourceDate: '2026-11-20' };

/**
 * Counts the write requests that touch a tenant's items (keys `T#…`), as DynamoDB would bill them: supplier items,
 * single change records, change groups' parts. A group write can be made to fail (`failGroups` times).
 */
function countSupplierWrites(client: DynamoDBClient) {
  const counts = { writes: 0, changeRecords: 0, groups: 0, failGroups: 0 };
  const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand'];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? '';
      // Document-client commands reach the stack unmarshalled (a string), low-level ones marshalled ({ S }).
      type Pk = string | { S?: string } | undefined;
      const input = args.input as { Key?: { pk?: Pk; sk?: Pk }; Item?: { pk?: Pk; sk?: Pk } };
      const text = (raw: Pk) => (typeof raw === 'string' ? raw : raw?.S) ?? '';
      const pk = text(input.Key?.pk ?? input.Item?.pk);
      const sk = text(input.Key?.sk ?? input.Item?.sk);
      if (WRITES.includes(name) && pk.startsWith(TENANT_PK_PREFIX)) {
        if (isChangeGroupSk(sk)) {
          if (counts.failGroups > 0) {
            counts.failGroups--;
            throw new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} });
          }
          counts.groups++;
        } else if (sk.startsWith(CHANGE_SK_PREFIX)) counts.changeRecords++;
        else counts.writes++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countSupplierWrites' },
  );
  return counts;
}

let dynamo: LocalDynamo;
let deps: ReturnType<typeof wire>;

function wire(d: LocalDynamo) {
  const policy = new DynamoDbPolicyRevisions(d.client, d.tableName);
  return {
    policy,
    runs: new DynamoDbRescoreRuns(d.client, d.tableName),
    scan: new DynamoDbSupplierScan(d.client, d.tableName),
    store: new DynamoDbSupplierStore(d.client, d.tableName),
    queue: fakeQueue() as FakeQueue,
    reference: new CurrentReference(policy, baselineTimeline),
    baseline: baselineTimeline,
    now: () => new Date('2026-12-03T10:00:00Z'),
  };
}

beforeEach(async () => {
  dynamo = await startLocalDynamo({ tableName: `rescore-${Math.random().toString(36).slice(2)}` });
  deps = wire(dynamo);
});
afterEach(() => dynamo.stop());

/** Deterministic suppliers over 3 tenants and 2 buyer countries, stored as the score function stores them. */
async function seed(n: number) {
  const ref = referenceData();
  const all: { tenant: string; buyer: string; input: SupplierInput }[] = [];
  for (let i = 0; i < n; i++) {
    const tenant = ['acme', 'globex', 'initech'][i % 3] as string;
    const buyer = i % 4 === 0 ? 'DE' : 'US';
    const input = supplier({
      supplierId: `S${i}`,
      exposures: [
        line(MINERALS[i % MINERALS.length] as string, COUNTRIES[i % COUNTRIES.length] as string, null, 0.6),
        line(
          MINERALS[(i * 7 + 3) % MINERALS.length] as string,
          COUNTRIES[(i * 3) % COUNTRIES.length] as string,
          null,
          0.4,
        ),
      ],
    });
    all.push({ tenant, buyer, input });
  }
  for (const tenant of ['acme', 'globex', 'initech'])
    for (const buyer of ['US', 'DE']) {
      const ctx = { asOf: AS_OF, buyerCountry: buyer, endUse: 'civil' as const };
      const scorer = createScorer(ref, ctx);
      const items = all
        .filter((s) => s.tenant === tenant && s.buyer === buyer)
        .map((s) => ({
          inputVersion: 1,
          input: s.input,
          result: scorer.score(s.input),
          nextChangeDate: nextPolicyChange(
            ref,
            s.input.exposures.map((e) => e.mineral),
            ctx,
          ),
          batchId: null,
        }));
      if (items.length > 0) await deps.store.putScored(tenant, 'upsert', items);
    }
  return all;
}

const extendSuspension = () =>
  recordRevision(
    { ...deps, store: deps.policy },
    {
      kind: 'policy-event',
      id: 'CN-2024-46-C2-SUSP',
      action: 'put',
      body: (() => {
        const e = baselineTimeline.policyEvents.find((x) => x.id === 'CN-2024-46-C2-SUSP') as PolicyEvent;
        const { id: _i, source: _s, ...rest } = e;
        return { ...rest, effectiveUntil: '2027-11-27', reason: 'extended', ...source };
      })(),
    },
    { actor: 'ops' },
  );

/**
 * Delivers queued segment messages to workers until none is left (continuations included). With `redeliver`, a
 * message whose worker failed is delivered again, as SQS does after its visibility timeout; else the failure throws.
 */
async function drain(remainingMs: () => number = () => 900_000, pageLimit = 25, redeliver = false) {
  let delivered = 0;
  while (deps.queue.sent.length > 0) {
    const entry = deps.queue.sent.shift() as NonNullable<(typeof deps.queue.sent)[number]>;
    const message = segmentMessageSchema.parse(JSON.parse(entry.body));
    try {
      await processSegment(deps, message, { remainingMs, pageLimit });
    } catch (err) {
      if (!redeliver) throw err;
      deps.queue.sent.unshift(entry);
    }
    delivered++;
  }
  return delivered;
}

const expected = (ref: ReferenceData, s: { buyer: string; input: SupplierInput }) =>
  createScorer(ref, { asOf: AS_OF, buyerCountry: s.buyer, endUse: 'civil' }).score(s.input);

/** The rescore records (a before and an after) of every tenant of the seeded suppliers, each checked to be once. */
async function rescoreRecords(log: DynamoDbChangeLog, all: readonly { tenant: string }[]): Promise<number> {
  let n = 0;
  for (const tenant of new Set(all.map((s) => s.tenant))) {
    const page = await log.listChanges(tenant, { now: new Date(Date.now() + 60_000), limit: 1000 });
    const rescored = page.items.filter((c) => c.before !== null && c.after !== null);
    expect(new Set(rescored.map((c) => c.changeId)).size).toBe(rescored.length);
    n += rescored.length;
  }
  return n;
}

describe('a policy revision rescores what it moves, fanned out', () => {
  it('every moved supplier stored with its new score (0 missed), the unchanged not written, counts add up', async () => {
    const all = await seed(120);
    const recorded = await extendSuspension();
    const writes = countSupplierWrites(dynamo.client);
    const run = await planPolicyRun({ ...deps, policy: deps.policy }, { asOf: AS_OF, createdBy: 'ops' });
    expect(run?.cause).toEqual({ kind: 'policy', fromRevision: 0, toRevision: 1, eventIds: ['CN-2024-46-C2-SUSP'] });
    expect(deps.queue.sent).toHaveLength(RESCORE_RUN.segments);
    expect(deps.queue.sent.every((e) => e.groupId === run?.runId)).toBe(true);
    await drain();

    let moved = 0;
    for (const s of all) {
      const stored = await deps.store.getSupplier(s.tenant, s.input.supplierId);
      const want = expected(recorded.ref, s);
      const before = expected(referenceData(), s);
      expect(stored?.summary.score).toBe(want.score);
      if (want.score !== before.score) {
        moved++;
        expect(stored?.summary.dataVersion).toBe(recorded.ref.dataVersion);
      } else expect(stored?.summary.dataVersion).toBe(referenceData().dataVersion);
    }
    expect(moved).toBeGreaterThan(5);
    const view = await deps.runs.viewRun(run?.runId as string);
    expect(view).toMatchObject({ status: 'completed', segmentsDone: RESCORE_RUN.segments });
    expect(view?.counts.examined).toBe(all.length);
    expect(view?.counts.changed).toBe(moved);
    expect(view?.counts.failed).toBe(0);
    expect(view?.counts.rescored).toBe((view?.counts.changed ?? 0) + (view?.counts.unchanged ?? 0));
    expect(Object.values(view?.tenants ?? {}).reduce((n, t) => n + t.changed, 0)).toBe(moved);
    // One conditional update per moved supplier and per moved next change date; none for the rest.
    expect(writes.writes).toBe(moved + (view?.counts.nextChangeOnly ?? 0));
    // Each moved score leaves one change record, naming the revision and the event it recorded: in its page's change
    // group (one per page and tenant that moved someone), none beside its supplier.
    expect(writes.changeRecords).toBe(0);
    expect(writes.groups).toBeGreaterThan(0);
    expect(writes.groups).toBeLessThan(moved);
    const log = new DynamoDbChangeLog(dynamo.client, dynamo.tableName);
    const cause = { kind: 'policy', fromRevision: 0, toRevision: 1, eventIds: ['CN-2024-46-C2-SUSP'] };
    expect(await rescoreRecords(log, all)).toEqual(moved);
    for (const s of all) {
      const history = (await log.supplierHistory(s.tenant, s.input.supplierId)).items;
      const last = history[history.length - 1];
      if (expected(recorded.ref, s).score === expected(referenceData(), s).score) expect(history).toHaveLength(1);
      else
        expect({ cause: last?.cause, score: last?.after?.score }).toEqual({
          cause,
          score: expected(recorded.ref, s).score,
        });
    }
    // A scan page evaluates change records too (they sit beside their suppliers): read every page.
    const scoredWithOther = async (referenceVersion: string) => {
      const out = [];
      let cursor: string | undefined;
      do {
        const page = await deps.store.scoredWithOtherVersions(MODEL_VERSION, referenceVersion, { limit: 1000, cursor });
        out.push(...page.items);
        cursor = page.cursor ?? undefined;
      } while (cursor);
      return out;
    };
    expect(await scoredWithOther(recorded.ref.referenceVersion)).toEqual([]);
    expect(await scoredWithOther('ref-000000000000')).toHaveLength(all.length);
    // Planned: the schedule finds nothing left to start.
    expect(await planPolicyRun(deps, { asOf: AS_OF, createdBy: 'schedule' })).toBeNull();
  });

  it('a worker out of time queues the rest of its segment; a worker that dies is resumed from its last page', async () => {
    const all = await seed(300);
    const recorded = await extendSuspension();
    await planPolicyRun(deps, { asOf: AS_OF, createdBy: 'ops' });
    // Every worker has time for one page only: each segment goes on in continuation messages.
    let pages = 0;
    const oneScan = deps.scan.scanSuppliers.bind(deps.scan);
    deps.scan.scanSuppliers = async (...args) => {
      pages++;
      // MOCK: a worker process that dies mid-segment (after recording its first page) cannot be produced locally.
      if (pages === 2) throw new Error('worker died (injected: the process is gone mid-segment)');
      return oneScan(...args);
    };
    let calls = 0;
    const first = deps.queue.sent.shift();
    await expect(
      processSegment(deps, segmentMessageSchema.parse(JSON.parse(first?.body ?? '')), {
        remainingMs: () => 900_000,
        pageLimit: 2,
      }),
    ).rejects.toThrow(/worker died/);
    // SQS redelivers the message that died.
    deps.queue.sent.unshift(first as NonNullable<typeof first>);
    const delivered = await drain(() => (calls++ % 2 === 0 ? 900_000 : RESCORE_RUN.marginMs - 1), 2);
    expect(delivered).toBeGreaterThan(RESCORE_RUN.segments);
    for (const s of all)
      expect((await deps.store.getSupplier(s.tenant, s.input.supplierId))?.summary.score).toBe(
        expected(recorded.ref, s).score,
      );
    const view = await deps.runs.viewRun((await deps.runs.listRuns(1))[0]?.runId as string);
    expect(view?.status).toBe('completed');
    expect(view?.counts.examined).toBe(all.length);
  });

  it('a turn that dies between its supplier writes and their change group: the next writes the group, each record once', async () => {
    const all = await seed(120);
    const recorded = await extendSuspension();
    const writes = countSupplierWrites(dynamo.client);
    // The first three groups fail (DynamoDB answers 500 past the SDK's retries): their turns die after the writes.
    writes.failGroups = 3;
    const run = await planPolicyRun(deps, { asOf: AS_OF, createdBy: 'ops' });
    expect(await drain(undefined, 25, true)).toBeGreaterThan(RESCORE_RUN.segments);
    expect(writes.failGroups).toBe(0);
    let moved = 0;
    for (const s of all) if (expected(recorded.ref, s).score !== expected(referenceData(), s).score) moved++;
    const view = await deps.runs.viewRun(run?.runId as string);
    // Counted as if no turn had died: the suppliers written before the failure count as moved on the page's rescan.
    expect(view).toMatchObject({ status: 'completed' });
    expect(view?.counts).toMatchObject({ examined: all.length, changed: moved, failed: 0 });
    expect(Object.values(view?.tenants ?? {}).reduce((n, t) => n + t.changed, 0)).toBe(moved);
    const log = new DynamoDbChangeLog(dynamo.client, dynamo.tableName);
    expect(await rescoreRecords(log, all)).toBe(moved);
    for (const s of all) {
      const want = expected(recorded.ref, s).score;
      if (want === expected(referenceData(), s).score) continue;
      const history = (await log.supplierHistory(s.tenant, s.input.supplierId)).items;
      expect(history.map((c) => c.after?.score)).toEqual([expected(referenceData(), s).score, want]);
    }
  });

  it('a dry run of a proposal counts per tenant what would move, and writes no supplier', async () => {
    const all = await seed(60);
    const writes = countSupplierWrites(dynamo.client);
    const dry = await extendSuspensionDry();
    const run = await startRun(deps, {
      runId: 'dry-1',
      cause: { kind: 'policy', fromRevision: 0, toRevision: 0 },
      asOf: AS_OF,
      dryRun: true,
      scope: { minerals: 'all', buyers: 'all', countries: 'any' },
      proposal: dry.proposal,
      createdBy: 'ops',
    });
    await drain();
    expect(writes.writes).toBe(0);
    const view = await deps.runs.viewRun(run.runId);
    const wouldMove = all.filter((s) => expected(dry.ref, s).score !== expected(referenceData(), s).score);
    expect(view?.counts.changed).toBe(wouldMove.length);
    for (const tenant of ['acme', 'globex', 'initech'])
      expect(view?.tenants[tenant]?.changed ?? 0).toBe(wouldMove.filter((s) => s.tenant === tenant).length);
    expect(view?.tenants.acme?.down).toBeGreaterThan(0);
    expect(await deps.policy.latestRevision()).toBe(0);
  });
});

/** The revision the dry run proposes, built without recording it. */
async function extendSuspensionDry() {
  const { applyRevision } = await import('../../shared/policy/timeline.ts');
  const { referenceAt } = await import('../../shared/policy/record-revision.ts');
  const current = await deps.reference.current({ fresh: true });
  const e = baselineTimeline.policyEvents.find((x) => x.id === 'CN-2024-46-C2-SUSP') as PolicyEvent;
  const proposal = {
    revision: current.timeline.revision + 1,
    kind: 'policy-event' as const,
    id: e.id,
    action: 'put' as const,
    item: { ...e, effectiveUntil: '2027-11-27' },
    actor: 'ops',
    reason: 'dry',
    source: { title: 't', url: 'https://example.org', date: '2026-11-20' },
    at: '2026-12-03T10:00:00Z',
  };
  return { proposal, ref: referenceAt(applyRevision(current.timeline, proposal)) };
}
