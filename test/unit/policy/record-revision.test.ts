import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScorer } from '../../../shared/model/score.ts';
import { CurrentReference } from '../../../shared/policy/current-reference.ts';
import {
  PolicyConflictError,
  PolicyContentionError,
  PolicyItemNotFoundError,
  PolicyValidationError,
} from '../../../shared/policy/errors.ts';
import { type RevisionRequest, recordRevision } from '../../../shared/policy/record-revision.ts';
import { effectiveTimeline } from '../../../shared/policy/timeline.ts';
import type { PolicyRevision } from '../../../shared/policy/types.ts';
import { checkAgreement, type PolicyEventBody } from '../../../shared/policy/validate.ts';
import { baselineTimeline, referenceData } from '../../../shared/reference/index.ts';
import type { PolicyEvent } from '../../../shared/reference/types.ts';
import { FakePolicyRevisions } from '../../helpers/fake-policy.ts';
import { singleLine } from '../../helpers/supplier-input.ts';

const now = () => new Date('2026-12-03T09:00:00Z');
const source = { source: 'MOFCOM announcement', sourceUrl: 'https://www.mofcom.gov.cn/x', sourceDate: '2026-11-20' };
const who = { actor: 'ops@example.com' };

/** The shipped suspension of Ann. 46 clause 2, as an admin body (what GET shows, plus the revision's why and where). */
function suspensionBody(overrides: Partial<PolicyEventBody> = {}): PolicyEventBody {
  const e = baselineTimeline.policyEvents.find((x) => x.id === 'CN-2024-46-C2-SUSP') as PolicyEvent;
  const { id: _id, source: _s, ...rest } = e;
  return { ...rest, ...source, reason: 'China extends the suspension by a year', ...overrides } as PolicyEventBody;
}

const extend = (until: string): RevisionRequest => ({
  kind: 'policy-event',
  id: 'CN-2024-46-C2-SUSP',
  action: 'put',
  body: suspensionBody({ effectiveUntil: until }),
});

function deps(store = new FakePolicyRevisions()) {
  return { store, baseline: baselineTimeline, now };
}

describe('recording a policy revision', () => {
  it('amends a shipped measure: revision 1 overrides it by id, with who, why and the source; data version .p1', async () => {
    const d = deps();
    const r = await recordRevision(d, extend('2027-11-27'), who);
    expect(r.revision).toMatchObject({
      revision: 1,
      kind: 'policy-event',
      id: 'CN-2024-46-C2-SUSP',
      action: 'put',
      actor: 'ops@example.com',
      reason: 'China extends the suspension by a year',
      source: { title: 'MOFCOM announcement', url: 'https://www.mofcom.gov.cn/x', date: '2026-11-20' },
      at: '2026-12-03T09:00:00.000Z',
    });
    expect(r.before).toMatchObject({ effectiveUntil: '2026-11-27' });
    expect(r.after).toMatchObject({ effectiveUntil: '2027-11-27' });
    expect(r.etag).toBe('"r1"');
    expect(r.ref.dataVersion).toBe(`${referenceData().referenceVersion}.p1`);
    expect(r.ref.referenceVersion).toBe(referenceData().dataVersion);
    expect(r.ref.policyEventsById.get('CN-2024-46-C2-SUSP')?.effectiveUntil).toBe('2027-11-27');
    expect(r.timeline.policyEvents).toHaveLength(baselineTimeline.policyEvents.length);
    expect(d.store.revisions).toHaveLength(1);
  });

  it('lowers a US buyer’s gallium-from-China score on 2026-12-03 once the suspension is extended, and no other', async () => {
    const r = await recordRevision(deps(), extend('2027-11-27'), who);
    const ctx = { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' as const };
    const score = (ref: typeof r.ref, mineral: string, buyer = 'US') =>
      createScorer(ref, { ...ctx, buyerCountry: buyer }).score(singleLine(mineral, 'CN')).score;
    expect(score(r.ref, 'gallium')).toBeLessThan(score(referenceData(), 'gallium'));
    expect(score(r.ref, 'cobalt')).toBe(score(referenceData(), 'cobalt'));
    expect(score(r.ref, 'gallium', 'DE')).toBe(score(referenceData(), 'gallium', 'DE'));
  });

  it('withdraws an item (a revision too), and refuses to withdraw a measure a suspension names', async () => {
    const d = deps();
    await expect(
      recordRevision(
        d,
        { kind: 'policy-event', id: 'CN-2024-46-C2', action: 'withdraw', body: { reason: 'x', ...source } },
        who,
      ),
    ).rejects.toThrow(/CN-2024-46-C2-SUSP name this measure/);
    const w = await recordRevision(
      d,
      { kind: 'policy-event', id: 'CN-2024-46-C2-SUSP', action: 'withdraw', body: { reason: 'lapsed', ...source } },
      who,
    );
    expect(w.after).toBeNull();
    expect(w.ref.policyEventsById.has('CN-2024-46-C2-SUSP')).toBe(false);
    await expect(
      recordRevision(
        d,
        { kind: 'agreement', id: 'NO-SUCH', action: 'withdraw', body: { reason: 'x', ...source } },
        who,
      ),
    ).rejects.toBeInstanceOf(PolicyItemNotFoundError);
    const badDate = await recordRevision(
      d,
      {
        kind: 'agreement',
        id: 'US-CA-2020-01',
        action: 'withdraw',
        body: { reason: 'x', ...source, sourceDate: '2026-02-30' },
      },
      who,
    ).catch((e: unknown) => e);
    expect((badDate as PolicyValidationError).errors?.map((e) => e.path)).toEqual(['sourceDate']);
  });

  it('names each invalid field, with what was meant', async () => {
    const bad = {
      kind: 'policy-event',
      id: 'ZW-2026-BAN',
      action: 'put',
      body: suspensionBody({
        kind: 'export_ban',
        country: 'Zimbabwae',
        minerals: ['lithum', 'rare_earth_magnet'],
        announced: '2026-03-01',
        effectiveFrom: '2026-02-01',
        effectiveUntil: '2026-01-01',
        suspends: ['CN-2024-46-C2'],
        destination: { kind: 'country', country: 'Narnia' },
      }),
    } as RevisionRequest;
    const err = await recordRevision(deps(), bad, who).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyValidationError);
    const byPath = Object.fromEntries((err as PolicyValidationError).errors.map((e) => [e.path, e.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'country',
        'destination.country',
        'effectiveFrom',
        'effectiveUntil',
        'minerals[0]',
        'minerals[1]',
        'suspends',
      ].sort(),
    );
    expect(byPath.country).toMatch(/did you mean.*Zimbabwe/i);
    expect(byPath['minerals[0]']).toMatch(/did you mean 'lithium'/);
    expect(byPath['minerals[1]']).toMatch(/did you mean 'rare_earth_magnets'/);
    const unknown = await recordRevision(
      deps(),
      { ...extend('2027-11-27'), body: suspensionBody({ suspends: ['CN-2024-46-C22'] }) } as RevisionRequest,
      who,
    ).catch((e: unknown) => e);
    expect((unknown as PolicyValidationError).errors).toEqual([
      { path: 'suspends[0]', message: "no measure 'CN-2024-46-C22' in the timeline; did you mean 'CN-2024-46-C2'?" },
    ]);
  });

  it('If-Match: the current revision passes, a stale one is refused; the baseline is r0', async () => {
    const d = deps();
    await recordRevision(d, extend('2027-11-27'), { ...who, ifMatch: '"r0"' });
    await expect(recordRevision(d, extend('2027-12-31'), { ...who, ifMatch: '"r0"' })).rejects.toBeInstanceOf(
      PolicyConflictError,
    );
    const r = await recordRevision(d, extend('2027-12-31'), { ...who, ifMatch: '"r1"' });
    expect(r.revision.revision).toBe(2);
    await expect(
      recordRevision(
        d,
        { kind: 'agreement', id: 'NEW', action: 'withdraw', body: { reason: 'x', ...source } },
        { ...who, ifMatch: '*' },
      ),
    ).rejects.toBeInstanceOf(PolicyConflictError);
  });

  it('two operators at once: the one whose number was taken reads again (and meets If-Match if it sent one)', async () => {
    const d = deps();
    const theirs: PolicyRevision = {
      revision: 1,
      kind: 'policy-event',
      id: 'CN-2024-46-C2-SUSP',
      action: 'put',
      item: {
        ...(baselineTimeline.policyEvents.find((x) => x.id === 'CN-2024-46-C2-SUSP') as PolicyEvent),
        effectiveUntil: '2027-01-31',
      },
      actor: 'other',
      reason: 'first',
      source: { title: 't', url: 'https://x.example', date: '2026-11-20' },
      at: now().toISOString(),
    };
    d.store.interleave.push(theirs);
    await expect(recordRevision(d, extend('2027-11-27'), { ...who, ifMatch: '"r0"' })).rejects.toBeInstanceOf(
      PolicyConflictError,
    );
    d.store.interleave.push({ ...theirs, revision: 2 });
    const r = await recordRevision(d, extend('2027-11-27'), who);
    expect(r.revision.revision).toBe(3);
    expect(d.store.revisions.map((x) => x.revision)).toEqual([1, 2, 3]);
    const always = new FakePolicyRevisions();
    for (let i = 1; i <= 10; i++) always.interleave.push({ ...theirs, revision: i });
    await expect(recordRevision(deps(always), extend('2027-11-27'), who)).rejects.toBeInstanceOf(PolicyContentionError);
  });
});

describe('the effective timeline', () => {
  it('property: baseline ⊕ the latest revision of each id, whatever order the revisions arrive in', () => {
    const ids = ['CN-2023-GA-GE', 'CN-2024-SB', 'NEW-1', 'NEW-2'];
    const base = baselineTimeline.policyEvents.find((e) => e.id === 'CN-2023-GA-GE') as PolicyEvent;
    const op = fc.record({
      id: fc.constantFrom(...ids),
      put: fc.boolean(),
      until: fc.constantFrom(null, '2030-01-01'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), fc.infiniteStream(fc.nat()), (ops, order) => {
        const revisions: PolicyRevision[] = ops.map((o, i) => ({
          revision: i + 1,
          kind: 'policy-event',
          id: o.id,
          action: o.put ? 'put' : 'withdraw',
          item: o.put ? { ...base, id: o.id, effectiveUntil: o.until } : null,
          actor: 'a',
          reason: 'r',
          source: { title: 't', url: 'https://x.example', date: '2026-01-01' },
          at: '',
        }));
        const shuffled = [...revisions].sort(() => (order.next().value % 3) - 1);
        const t = effectiveTimeline(baselineTimeline, shuffled);
        for (const id of ids) {
          const last = revisions.filter((r) => r.id === id).at(-1);
          const held = t.policyEvents.find((e) => e.id === id);
          if (!last) expect(held === undefined).toBe(!baselineTimeline.policyEvents.some((e) => e.id === id));
          else if (last.action === 'withdraw') expect(held).toBeUndefined();
          else expect(held).toEqual(last.item);
          if (held) expect(t.setBy.get(`policy-event:${id}`)).toBe(last?.revision ?? 0);
        }
        expect(t.revision).toBe(revisions.length);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('CurrentReference', () => {
  it('serves a cached timeline, checks the latest number after maxAge, rebuilds only when it moved; fresh always checks', async () => {
    const store = new FakePolicyRevisions();
    let t = 0;
    const current = new CurrentReference(store, baselineTimeline, { maxAgeMs: 1000, clock: () => t });
    const first = await current.get();
    expect(first.dataVersion).toBe(referenceData().dataVersion);
    expect([store.latestReads, store.lists]).toEqual([1, 1]);
    t = 500;
    expect(await current.get()).toBe(first);
    expect([store.latestReads, store.lists]).toEqual([1, 1]);
    t = 1500;
    expect(await current.get()).toBe(first);
    expect([store.latestReads, store.lists]).toEqual([2, 1]);
    await recordRevision(deps(store), extend('2027-11-27'), who);
    const listsAfterRecord = store.lists;
    expect((await current.get()).dataVersion).toBe(first.dataVersion);
    const fresh = await current.get({ fresh: true });
    expect(fresh.dataVersion).toMatch(/\.p1$/);
    expect(store.lists).toBe(listsAfterRecord + 1);
  });
});

describe('a dry run and measure states', () => {
  it('a dry run checks and returns the proposal, with the timeline before it, and records nothing', async () => {
    const d = deps();
    const r = await recordRevision(d, extend('2027-11-27'), { ...who, dryRun: true });
    expect(r.revision.revision).toBe(1);
    expect(r.ref.dataVersion).toMatch(/\.p1$/);
    expect(r.previous.ref.dataVersion).toBe(referenceData().dataVersion);
    expect(d.store.revisions).toEqual([]);
    await expect(
      recordRevision(d, { ...extend('2027-11-27'), body: suspensionBody({ country: 'Chna' }) } as RevisionRequest, {
        ...who,
        dryRun: true,
      }),
    ).rejects.toBeInstanceOf(PolicyValidationError);
  });

  it('each measure’s state on a date: the lapsed suspension leaves clause 2 active; extended, it is suspended', async () => {
    const { eventState } = await import('../../../shared/policy/states.ts');
    const d = deps();
    const base = new CurrentReference(d.store, baselineTimeline);
    const before = await base.current();
    const clause2 = before.ref.policyEventsById.get('CN-2024-46-C2') as PolicyEvent;
    expect(eventState(before.ref, before.timeline, clause2, '2026-12-03')).toEqual({ state: 'active', revision: 0 });
    expect(eventState(before.ref, before.timeline, clause2, '2026-06-01')).toEqual({
      state: 'suspended',
      suspendedBy: 'CN-2024-46-C2-SUSP',
      revision: 0,
    });
    const r = await recordRevision(d, extend('2027-11-27'), who);
    const susp = r.ref.policyEventsById.get('CN-2024-46-C2-SUSP') as PolicyEvent;
    expect(eventState(r.ref, r.timeline, clause2, '2026-12-03').state).toBe('suspended');
    expect(eventState(r.ref, r.timeline, susp, '2026-12-03')).toEqual({ state: 'active', revision: 1 });
    expect(eventState(r.ref, r.timeline, susp, '2027-11-28').state).toBe('expired');
    expect(eventState(r.ref, r.timeline, susp, '2025-01-01').state).toBe('not_announced');
  });
});

describe('an agreement of a country group', () => {
  const ref = referenceData();
  const body = (buyerCountry: string, partnerCountry: string) => ({
    buyerCountry,
    partnerCountry,
    title: 'EU–Chile partnership, revised',
    effectiveFrom: '2023-07-18',
    effectiveUntil: null,
    minerals: [],
    reason: 'test',
    ...source,
  });

  it('accepts the EU as a party, by its id in any case, and keeps it as the group', () => {
    const checked = checkAgreement('EU-CL-2023-07', body('eu', 'Chile'), ref);
    expect(checked.ok && checked.agreement).toMatchObject({ buyerCountry: 'EU', partnerCountry: 'CL' });
    const partner = checkAgreement('JP-EU-2023-07', body('JP', 'EU'), ref);
    expect(partner.ok && partner.agreement).toMatchObject({ buyerCountry: 'JP', partnerCountry: 'EU' });
  });

  it('refuses a member state as partner of its own group, and two groups', () => {
    const member = checkAgreement('X', body('EU', 'Germany'), ref);
    expect(member.ok ? [] : member.errors.map((e) => e.path)).toEqual(['partnerCountry']);
    const two = checkAgreement('X', body('EU', 'EU'), ref);
    expect(two.ok ? [] : two.errors.map((e) => e.path)).toEqual(['partnerCountry']);
  });

  it('a recorded EU agreement reaches German buyers through the effective timeline', async () => {
    const d = deps();
    await recordRevision(d, { kind: 'agreement', id: 'EU-PE-2026-01', action: 'put', body: body('EU', 'Peru') }, who);
    const current = await new CurrentReference(d.store, baselineTimeline).current();
    const de = createScorer(current.ref, { asOf: '2026-12-01', buyerCountry: 'DE', endUse: 'civil' });
    const line = de.score(singleLine('copper', 'PE', 'PE')).minerals[0]?.lines[0];
    expect(line?.stages.map((s) => s.agreement)).toEqual(['EU-PE-2026-01', 'EU-PE-2026-01']);
  });
});
