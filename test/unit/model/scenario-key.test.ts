/**
 * A scenario request's key (shared/model/scenario-key.ts): the same request however its object keys are ordered, and
 * canonical JSON that reads back as the value it was made from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, scenarioRequestKey } from '../../../shared/model/scenario-key.ts';

/** The value with every object's keys in reverse order (arrays kept). */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .reverse()
        .map(([k, x]) => [k, reversedKeys(x)]),
    );
  return v;
}

const identity = {
  tenant: 'acme',
  request: {
    add: [{ country: 'China', kind: 'export_ban' as const, minerals: ['gallium'], effectiveFrom: '2026-12-01' }],
  },
  asOf: '2026-12-05',
  buyerCountry: 'US',
  revision: 3,
  baseDataVersion: 'ref-1',
};

describe('scenario request keys', () => {
  it('canonical JSON reads back as the value, and does not depend on key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(reversedKeys(v))).toBe(text);
      }),
    );
  });

  it('is the same for the same request written another way, and differs with any field it depends on', () => {
    const key = scenarioRequestKey(identity);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(scenarioRequestKey(reversedKeys(identity) as typeof identity)).toBe(key);
    const changed = [
      { ...identity, tenant: 'other' },
      { ...identity, asOf: '2026-12-06' },
      { ...identity, buyerCountry: 'DE' },
      { ...identity, revision: 4 },
      { ...identity, baseDataVersion: 'ref-2' },
      { ...identity, modelVersion: '0.0.1' },
      { ...identity, request: { ...identity.request, remove: ['X'] } },
      { ...identity, request: { add: [{ ...identity.request.add[0], minerals: ['germanium'] }] } },
    ] as (typeof identity)[];
    const keys = changed.map(scenarioRequestKey);
    expect(new Set([key, ...keys]).size).toBe(changed.length + 1);
  });
});
