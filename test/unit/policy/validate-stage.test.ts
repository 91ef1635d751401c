import { describe, expect, it } from 'vitest';
import { checkPolicyEvent, type PolicyEventBody, policyEventBody } from '../../../shared/policy/validate.ts';
import { referenceData } from '../../../shared/reference/index.ts';

const ref = referenceData();
const body = (extra: Partial<PolicyEventBody>): PolicyEventBody =>
  policyEventBody.parse({
    country: 'Zimbabwe',
    instrument: 'Statutory Instrument',
    kind: 'export_ban',
    minerals: ['lithium'],
    announced: '2026-02-25',
    effectiveFrom: '2026-02-25',
    effectiveUntil: null,
    destination: { kind: 'all' },
    reason: 'r',
    source: 's',
    sourceUrl: 'https://example.org/a',
    sourceDate: '2026-02-25',
    ...extra,
  });

describe('a measure’s stage', () => {
  it('is recorded when it scopes the measure, and left out for `all` (the default)', () => {
    const raw = checkPolicyEvent('ZW-X', body({ stage: 'raw' }), ref);
    expect(raw.ok && raw.event.stage).toBe('raw');
    const all = checkPolicyEvent('ZW-X', body({ stage: 'all' }), ref);
    expect(all.ok && 'stage' in all.event).toBe(false);
    const none = checkPolicyEvent('ZW-X', body({}), ref);
    expect(none.ok && 'stage' in none.event).toBe(false);
  });

  it('is refused on a suspension, and outside its four values', () => {
    const s = checkPolicyEvent('ZW-S', body({ kind: 'suspension', suspends: ['CN-2025-61'], stage: 'raw' }), ref);
    expect(s.ok).toBe(false);
    expect(!s.ok && s.errors.map((e) => e.path)).toEqual(['stage']);
    expect(policyEventBody.safeParse({ ...body({}), stage: 'ore' }).success).toBe(false);
  });
});

describe('an entity-level destination', () => {
  it('names companies and is recorded as given', () => {
    const r = checkPolicyEvent(
      'CN-E',
      body({
        country: 'CN',
        minerals: ['all_dual_use'],
        destination: { kind: 'entities', entities: ['MP Materials'] },
      }),
      ref,
    );
    expect(r.ok && r.event.destination).toEqual({ kind: 'entities', entities: ['MP Materials'] });
  });

  it('is refused without a name', () => {
    expect(policyEventBody.safeParse({ ...body({}), destination: { kind: 'entities', entities: [] } }).success).toBe(
      false,
    );
  });
});
