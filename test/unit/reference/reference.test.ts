import { describe, expect, it } from 'vitest';
import { allCountries } from '../../../shared/reference/countries.ts';
import { minerals } from '../../../shared/reference/data/minerals.ts';
import { productionShares } from '../../../shared/reference/data/production-shares.ts';
import { productionSharesSupplement } from '../../../shared/reference/data/production-shares-supplement.ts';
import { buildReferenceData, referenceData } from '../../../shared/reference/index.ts';

const ref = referenceData();

// 2025 US critical minerals list (Federal Register doc 2025-19813): the 2022 list of 50 plus ten.
const US_2025 =
  `aluminum antimony arsenic barite beryllium bismuth cerium cesium chromium cobalt dysprosium erbium europium
  fluorspar gadolinium gallium germanium graphite hafnium holmium indium iridium lanthanum lithium lutetium magnesium
  manganese neodymium nickel niobium palladium platinum praseodymium rhodium rubidium ruthenium samarium scandium
  tantalum tellurium terbium thulium tin titanium tungsten vanadium ytterbium yttrium zinc zirconium
  boron copper lead metallurgical_coal phosphate potash rhenium silicon silver uranium`
    .split(/\s+/)
    .filter(Boolean);

describe('minerals', () => {
  it('covers all 60 minerals of the 2025 US list', () => {
    expect(US_2025).toHaveLength(60);
    for (const id of US_2025) expect(ref.minerals.get(id)?.usCritical2025, id).toBe(true);
    expect(minerals.filter((m) => m.usCritical2025)).toHaveLength(60);
  });

  it('puts every rare-earth element in rare earths and in light or heavy (scandium in neither sub-group)', () => {
    const ree = ref.minerals.get('rare_earths')?.covers ?? [];
    expect(ree).toHaveLength(16);
    for (const id of ree) {
      const m = ref.minerals.get(id);
      expect(m?.groups).toContain('rare_earths');
      if (id !== 'scandium')
        expect(m?.groups.some((g) => g === 'light_rare_earths' || g === 'heavy_rare_earths')).toBe(true);
    }
  });

  it('a measure on "rare earths" and one on "dysprosium" both reach a dysprosium line', () => {
    expect(ref.eventMinerals.get('CN-2025-61')?.has('dysprosium')).toBe(true);
    expect(ref.eventMinerals.get('CN-2025-18')?.has('dysprosium')).toBe(true);
    expect(ref.eventMinerals.get('CN-2025-18')?.has('lanthanum')).toBe(false);
  });
});

describe('production shares', () => {
  it('every row has a source and a year, and shares per mineral and stage sum to at most 100% (± rounding)', () => {
    const sums = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const r of [...productionShares, ...productionSharesSupplement]) {
      expect(r.source.trim().length, JSON.stringify(r)).toBeGreaterThan(3);
      expect(r.year).toBeGreaterThanOrEqual(2015);
      expect(r.sharePct).toBeGreaterThan(0);
      expect(ref.minerals.has(r.mineral), r.mineral).toBe(true);
      const key = `${r.mineral}|${r.stage}`;
      sums.set(key, (sums.get(key) ?? 0) + r.sharePct);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Rounded source figures can add up past 100% (vanadium 2024: 70 + 21 + 8 + 5); the model divides by the sum
    // then, so the fractions it uses never exceed the whole world. Anything further off is a data error.
    for (const [key, sum] of sums) {
      expect(sum, key).toBeLessThanOrEqual(100 + 1.5 * (counts.get(key) ?? 0));
      const [mineral, stage] = key.split('|') as [string, 'mining' | 'processing'];
      const used = ref.stageShares(mineral, stage);
      expect(
        used.shares.reduce((a, s) => a + s.sharePct / used.divisor, 0),
        key,
      ).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('falls back from a heavy rare earth to the heavy group, then to rare earths, then to the other stage', () => {
    expect(ref.stageShares('dysprosium', 'processing').basis).toEqual({ kind: 'group', group: 'heavy_rare_earths' });
    expect(ref.stageShares('dysprosium', 'mining').basis).toEqual({ kind: 'group', group: 'rare_earths' });
    expect(ref.stageShares('gallium', 'processing').basis).toEqual({ kind: 'other_stage', stage: 'mining' });
  });
});

describe('countries and governance', () => {
  it('holds all ISO 3166-1 countries from the maintained package', () => {
    expect(allCountries.length).toBeGreaterThanOrEqual(249);
    expect(allCountries.find((c) => c.code === 'CD')?.name).toBe('DR Congo');
  });

  it('every governance row names its vintage and source', () => {
    for (const g of ref.governance.values()) {
      expect(g.vintage.length, g.country).toBeGreaterThan(0);
      expect(g.source.length, g.country).toBeGreaterThan(0);
    }
  });
});

describe('dataVersion', () => {
  it('is stable for the same data and changes when any policy event or agreement changes', () => {
    expect(buildReferenceData().dataVersion).toBe(ref.dataVersion);
    const moved = ref.policyEvents.map((e) => (e.id === 'CN-2025-70' ? { ...e, effectiveUntil: '2027-11-10' } : e));
    expect(buildReferenceData({ policyEvents: moved }).dataVersion).not.toBe(ref.dataVersion);
    expect(buildReferenceData({ agreements: ref.agreements.slice(1) }).dataVersion).not.toBe(ref.dataVersion);
  });

  it('rejects a timeline whose suspension names an unknown measure', () => {
    const bad = [
      ...ref.policyEvents,
      {
        ...(ref.policyEvents[0] as (typeof ref.policyEvents)[number]),
        id: 'X',
        kind: 'suspension' as const,
        suspends: ['NOPE'],
      },
    ];
    expect(() => buildReferenceData({ policyEvents: bad })).toThrow(/unknown measure 'NOPE'/);
  });
});
