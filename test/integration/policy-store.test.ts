import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/dynamo.ts';
import { CurrentReference } from '../../shared/policy/current-reference.ts';
import { recordRevision } from '../../shared/policy/record-revision.ts';
import type { PolicyRevision } from '../../shared/policy/types.ts';
import { baselineTimeline } from '../../shared/reference/index.ts';
import type { PolicyEvent } from '../../shared/reference/types.ts';
import { DynamoDbPolicyRevisions } from '../../shared/store/policy-revisions.ts';

let dynamo: LocalDynamo;
let store: DynamoDbPolicyRevisions;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: 'policy-store-test' });
  store = new DynamoDbPolicyRevisions(dynamo.client, dynamo.tableName);
});
afterAll(() => dynamo.stop());

const revision = (n: number, until: string): PolicyRevision => ({
  revision: n,
  kind: 'policy-event',
  id: 'CN-2024-46-C2-SUSP',
  action: 'put',
  item: {
    ...(baselineTimeline.policyEvents.find((e) => e.id === 'CN-2024-46-C2-SUSP') as PolicyEvent),
    effectiveUntil: until,
  },
  actor: 'ops',
  reason: `revision ${n}`,
  source: { title: 't', url: 'https://example.org/a', date: '2026-11-20' },
  at: '2026-12-03T09:00:00.000Z',
});

describe('policy revisions on DynamoDB (dynalite)', () => {
  it('appends numbered revisions, never overwrites one, and reads them back in order', async () => {
    expect(await store.latestRevision()).toBe(0);
    expect(await store.appendRevision(revision(1, '2027-01-31'))).toBe(true);
    expect(await store.appendRevision(revision(1, '2099-01-01'))).toBe(false);
    expect(await store.appendRevision(revision(2, '2027-11-27'))).toBe(true);
    expect(await store.latestRevision()).toBe(2);
    const all = await store.listRevisions();
    expect(all.map((r) => [r.revision, (r.item as PolicyEvent).effectiveUntil])).toEqual([
      [1, '2027-01-31'],
      [2, '2027-11-27'],
    ]);
    expect(all[0]).toEqual(revision(1, '2027-01-31'));
  });

  it('reads more revisions than one query page returns', async () => {
    const big = 'x'.repeat(20_000);
    const start = (await store.latestRevision()) + 1;
    for (let n = start; n < start + 60; n++)
      expect(await store.appendRevision({ ...revision(n, '2027-11-27'), reason: big })).toBe(true);
    const all = await store.listRevisions();
    expect(all.map((r) => r.revision)).toEqual(Array.from({ length: start + 59 }, (_, i) => i + 1));
  });

  it('serves the use case: a recorded revision reaches a CurrentReference asked fresh', async () => {
    const current = new CurrentReference(store, baselineTimeline);
    const before = await current.get();
    const r = await recordRevision(
      { store, baseline: baselineTimeline, now: () => new Date('2026-12-03T10:00:00Z') },
      {
        kind: 'policy-event',
        id: 'CN-2024-46-C2-SUSP',
        action: 'withdraw',
        body: { reason: 'lapsed', source: 'MOFCOM', sourceUrl: 'https://example.org/b', sourceDate: '2026-11-28' },
      },
      { actor: 'ops' },
    );
    const after = await current.get({ fresh: true });
    expect(after.dataVersion).not.toBe(before.dataVersion);
    expect(after.policyRevision).toBe(r.revision.revision);
    expect(after.policyEventsById.has('CN-2024-46-C2-SUSP')).toBe(false);
  });
});
