import { describe, expect, it } from 'vitest';
import { allCountries } from '../../../shared/reference/countries.ts';
import { mainStages, minerals } from '../../../shared/reference/data/minerals.ts';
import { productionShares } from '../../../shared/reference/data/production-shares.ts';
import { productionSharesMcs2026 } from '../../../shared/reference/data/production-shares-mcs2026.ts';
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

const allRows = [...productionShares, ...productionSharesSupplement, ...productionSharesMcs2026];

// What no public source gives by country, with the default docs/model.md ("Known gaps") says the model then assumes.
const NO_PUBLIC_SHARES = ['metallurgical_coal'];
// Minerals the EU CRM 2023 study did not assess, so without SI and EoL-RIR (Known gaps: SI 1, EoL-RIR 0 assumed).
const NO_PUBLIC_VULNERABILITY = ['cesium', 'rubidium', 'uranium'];

describe('vulnerability', () => {
  it('every mineral has SI and EoL-RIR except the Known gaps, which take the documented defaults', () => {
    const missing = minerals
      .map((m) => m.id)
      .filter((id) => {
        const v = ref.vulnerability.get(id);
        return !v || v.substitutionIndex === null || v.eolRecyclingInputRate === null;
      });
    expect(missing.sort()).toEqual([...NO_PUBLIC_VULNERABILITY].sort());
  });
});

describe('production shares', () => {
  it('every US-list mineral has sourced shares at its main stage (own, group or a marked proxy)', () => {
    for (const id of US_2025) {
      const stage = mainStages[id];
      expect(stage, `${id} has no main stage`).toBeDefined();
      if (!stage) continue;
      const used = ref.stageShares(id, stage);
      if (NO_PUBLIC_SHARES.includes(id)) {
        // Listed as a gap: the day data arrives, it must leave the list (and docs/model.md's Known gaps).
        expect(used.basis.kind, id).toBe('none');
        continue;
      }
      expect(['own', 'group'], `${id} ${stage}: ${used.basis.kind}`).toContain(used.basis.kind);
      expect(used.shares.length, id).toBeGreaterThan(0);
      for (const r of used.shares) {
        expect(r.source.trim().length, `${id} ${r.country}`).toBeGreaterThan(3);
        expect(Number.isInteger(r.year), `${id} ${r.country}`).toBe(true);
      }
    }
  });

  it('no row is a recalled figure, and a proxy row says what it stands in with', () => {
    for (const r of allRows) {
      const text = `${r.source} ${r.note ?? ''}`;
      expect(text, `${r.mineral} ${r.country}`).not.toMatch(/from memory|recalled|not re-verified/i);
      if (r.proxyOf !== undefined) {
        expect(r.proxyOf.trim().length, `${r.mineral} ${r.country}`).toBeGreaterThan(3);
        expect(r.note ?? '', `${r.mineral} ${r.country}`).toMatch(/proxy/i);
      }
    }
    for (const id of ['rhodium', 'ruthenium', 'iridium', 'hafnium', 'cesium', 'rubidium'])
      expect(
        ref.stageShares(id, 'mining').shares.every((r) => r.proxyOf),
        id,
      ).toBe(true);
  });

  it('the year of a share row is a real data year, not in the future of its source', () => {
    for (const r of allRows) {
      expect(Number.isInteger(r.year), JSON.stringify(r)).toBe(true);
      expect(r.year, JSON.stringify(r)).toBeLessThanOrEqual(2026);
    }
  });

  it('every row has a source and a year, and shares per mineral and stage sum to at most 100% (± rounding)', () => {
    const sums = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const r of allRows) {
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

describe('proxy shares in drivers', () => {
  it('a driver on a proxied mineral says the share is a proxy and what it stands in with', async () => {
    const { createScorer } = await import('../../../shared/model/score.ts');
    const scored = createScorer(ref, { asOf: '2026-12-03', buyerCountry: 'US', endUse: 'civil' }).score({
      supplierId: 'rh',
      supplierName: null,
      supplierCountry: null,
      annualSpendUsd: null,
      tier: null,
      alternativeSources: 0,
      inventoryDays: 0,
      exposures: [{ mineral: 'rhodium', originCountry: 'ZA', processingCountry: null, share: 1 }],
    });
    expect(scored.drivers[0]?.text).toContain(
      'of rhodium mine output is in South Africa (proxy: platinum mine output;',
    );
    // Rhodium from South Africa moved from 15.6 (default HHI) to 27.1 with the proxy shares, then to 24.3 with WGI
    // 2023's six-dimension mean for South Africa (data ref-1ea27b199959), then to 37.7 with model 1.2.0's share-weighted
    // governance (South Africa holds 71% of the proxy) and recycling on the world term only (docs/model.md 2.16).
    expect(scored.score).toBe(37.7);
  });
});
