/**
 * The agreements as shipped (shared/reference/data/agreements.ts) and how the loader resolves a country group (`EU`)
 * into one agreement per member state, which is all the model ever reads.
 */
import { describe, expect, it } from 'vitest';
import { allCountries } from '../../../shared/reference/countries.ts';
import { agreements } from '../../../shared/reference/data/agreements.ts';
import { countryGroups } from '../../../shared/reference/data/country-groups.ts';
import { buildReferenceData, countriesOf, referenceData } from '../../../shared/reference/index.ts';
import type { Agreement } from '../../../shared/reference/types.ts';

const ref = referenceData();
const iso = new Set(allCountries.map((c) => c.code));
const groupIds = new Set(countryGroups.map((g) => g.id));
const EU = countryGroups.find((g) => g.id === 'EU');
const isRealDate = (d: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/**
 * The EU's strategic partnerships on raw materials and their signing dates, as the sources in the data give them
 * (European Commission press releases and news articles; see each entry's `source`).
 */
const EU_PARTNERSHIPS: [string, string][] = [
  ['CA', '2021-06-15'],
  ['UA', '2021-07-13'],
  ['KZ', '2022-11-07'],
  ['NA', '2022-11-08'],
  ['AR', '2023-06-13'],
  ['CL', '2023-07-18'],
  ['CD', '2023-10-26'],
  ['ZM', '2023-10-26'],
  ['GL', '2023-11-30'],
  ['RW', '2024-02-19'],
  ['NO', '2024-03-21'],
  ['UZ', '2024-04-05'],
  ['AU', '2024-05-28'],
  ['RS', '2024-07-19'],
];

describe('every shipped agreement', () => {
  it('has a unique id, a title and a source', () => {
    expect(new Set(agreements.map((a) => a.id)).size).toBe(agreements.length);
    for (const a of agreements) {
      expect(a.title.trim().length, a.id).toBeGreaterThan(10);
      expect(a.source.trim().length, a.id).toBeGreaterThan(10);
    }
  });

  it('has a real signing date, and an end date (if any) not before it', () => {
    for (const a of agreements) {
      expect(isRealDate(a.effectiveFrom), `${a.id} ${a.effectiveFrom}`).toBe(true);
      if (a.effectiveUntil !== null) {
        expect(isRealDate(a.effectiveUntil), a.id).toBe(true);
        expect(a.effectiveUntil >= a.effectiveFrom, a.id).toBe(true);
      }
    }
  });

  it('is between two parties, each an ISO 3166-1 alpha-2 code or a country group, never two groups', () => {
    for (const a of agreements) {
      for (const party of [a.buyerCountry, a.partnerCountry])
        expect(iso.has(party) || groupIds.has(party), `${a.id}: ${party}`).toBe(true);
      expect(a.buyerCountry, a.id).not.toBe(a.partnerCountry);
      expect(groupIds.has(a.buyerCountry) && groupIds.has(a.partnerCountry), a.id).toBe(false);
      expect(countriesOf(a.buyerCountry), a.id).not.toContain(a.partnerCountry);
      expect(countriesOf(a.partnerCountry), a.id).not.toContain(a.buyerCountry);
    }
  });

  it('is named buyer-partner-year-month of its signing', () => {
    for (const a of agreements)
      expect(a.id).toBe(
        `${a.buyerCountry}-${a.partnerCountry}-${a.effectiveFrom.slice(0, 4)}-${a.effectiveFrom.slice(5, 7)}`,
      );
  });

  it('names only minerals or groups the reference data knows', () => {
    for (const a of agreements) for (const m of a.minerals) expect(ref.minerals.has(m), `${a.id}: ${m}`).toBe(true);
  });
});

describe('country groups', () => {
  it('the EU has its 27 member states, as ISO codes (Greece GR), none a group id', () => {
    expect(EU?.members).toHaveLength(27);
    expect(new Set(EU?.members).size).toBe(27);
    for (const c of EU?.members ?? []) {
      expect(iso.has(c), c).toBe(true);
      expect(groupIds.has(c), c).toBe(false);
    }
    expect(EU?.members).toContain('GR');
    expect(EU?.members).not.toContain('GB');
    expect(iso.has('EU')).toBe(false);
  });

  it('a group id is not a country the supplier list or the buyer country can name', () => {
    for (const g of groupIds) expect(iso.has(g), g).toBe(false);
  });
});

describe('the shipped partnerships', () => {
  it('holds each EU strategic partnership on raw materials named in issue 11, from its signing date, all minerals', () => {
    for (const [partner, date] of EU_PARTNERSHIPS) {
      const a = ref.agreementsById.get(`EU-${partner}-${date.slice(0, 7)}`);
      expect(a, partner).toMatchObject({ buyerCountry: 'EU', partnerCountry: partner, effectiveFrom: date });
      expect(a?.minerals, partner).toEqual([]);
    }
  });

  it('holds the Japan–US agreements in both directions, on the same dates and minerals', () => {
    for (const [us, jp] of [
      ['US-JP-2023-03', 'JP-US-2023-03'],
      ['US-JP-2025-10', 'JP-US-2025-10'],
    ] as const) {
      const a = ref.agreementsById.get(us);
      const b = ref.agreementsById.get(jp);
      expect(b).toMatchObject({ buyerCountry: 'JP', partnerCountry: 'US' });
      expect(b?.effectiveFrom).toBe(a?.effectiveFrom);
      expect(b?.minerals).toEqual(a?.minerals);
    }
  });

  it('holds the instruments of buyers beyond the US, the EU and Japan named in issue 11, each with a source URL', () => {
    const OTHER_BUYERS: [string, string, string][] = [
      ['KR-AU-2021-12', 'KR', 'AU'],
      ['IN-AU-2022-03', 'IN', 'AU'],
      ['GB-KZ-2023-03', 'GB', 'KZ'],
      ['KR-CA-2023-05', 'KR', 'CA'],
      ['GB-SA-2025-01', 'GB', 'SA'],
    ];
    for (const [id, buyer, partner] of OTHER_BUYERS) {
      const a = ref.agreementsById.get(id);
      expect(a, id).toMatchObject({ buyerCountry: buyer, partnerCountry: partner });
      expect(a?.source, id).toMatch(/https?:\/\//);
    }
    for (const buyer of ['GB', 'KR', 'IN', 'AU', 'CA'])
      expect(
        agreements.some((a) => a.buyerCountry === buyer),
        buyer,
      ).toBe(true);
  });

  it('enters both directions of an instrument that secures both sides, on the same date and minerals; one way otherwise', () => {
    const MUTUAL: [string, string][] = [
      ['US-CA-2020-01', 'CA-US-2020-01'],
      ['US-AU-2025-10', 'AU-US-2025-10'],
      ['US-GB-2026-02', 'GB-US-2026-02'],
      ['KR-CA-2023-05', 'CA-KR-2023-05'],
      ['EU-JP-2023-07', 'JP-EU-2023-07'],
    ];
    for (const [one, other] of MUTUAL) {
      const a = ref.agreementsById.get(one);
      const b = ref.agreementsById.get(other);
      expect(b, other).toMatchObject({ buyerCountry: a?.partnerCountry, partnerCountry: a?.buyerCountry });
      expect(b?.effectiveFrom, other).toBe(a?.effectiveFrom);
      expect(b?.minerals, other).toEqual(a?.minerals);
    }
    // Access to a producer's resources reaches the investing buyer only (docs/model.md, section 4, Direction).
    for (const [buyer, partner] of [
      ['KR', 'AU'],
      ['IN', 'AU'],
      ['GB', 'KZ'],
      ['GB', 'SA'],
      ['US', 'UA'],
      ['US', 'CD'],
    ])
      expect(
        agreements.some((a) => a.buyerCountry === partner && a.partnerCountry === buyer),
        `${partner} buyer from ${buyer}`,
      ).toBe(false);
  });
});

describe('resolving a group', () => {
  it('gives one agreement per member state, under the declared id, and none naming a group', () => {
    const copies = ref.agreements.filter((a) => a.id === 'EU-CA-2021-06');
    expect(copies.map((a) => a.buyerCountry).sort()).toEqual([...(EU?.members ?? [])].sort());
    for (const c of copies) {
      expect(c.partnerCountry).toBe('CA');
      expect(c.declaredAs).toEqual({ buyerCountry: 'EU', partnerCountry: 'CA' });
    }
    for (const a of ref.agreements) {
      expect(groupIds.has(a.buyerCountry), a.id).toBe(false);
      expect(groupIds.has(a.partnerCountry), a.id).toBe(false);
    }
  });

  it('resolves a group as partner too: Japan–EU is one agreement per member state as partner', () => {
    const copies = ref.agreements.filter((a) => a.id === 'JP-EU-2023-07');
    expect(copies).toHaveLength(27);
    expect(new Set(copies.map((a) => a.buyerCountry))).toEqual(new Set(['JP']));
  });

  it('leaves an agreement between two countries as it is', () => {
    expect(ref.agreements.filter((a) => a.id === 'US-CA-2020-01')).toEqual([ref.agreementsById.get('US-CA-2020-01')]);
  });

  it('keeps the declared agreements for the timeline and the API, and by id', () => {
    expect(ref.declaredAgreements).toEqual(agreements);
    expect(ref.agreementsById.get('EU-CL-2023-07')?.buyerCountry).toBe('EU');
  });

  it('a dataset rebuilt from the resolved agreements (as what-if scenarios do) reads them the same', () => {
    const rebuilt = buildReferenceData({ agreements: ref.agreements });
    expect(rebuilt.declaredAgreements).toEqual(ref.declaredAgreements);
    expect(rebuilt.agreements).toEqual(ref.agreements);
    expect(rebuilt.dataVersion).toBe(ref.dataVersion);
  });

  it('refuses a timeline it cannot read: a repeated id, a group on both sides, a bad date', () => {
    const a: Agreement = {
      id: 'T',
      buyerCountry: 'EU',
      partnerCountry: 'CA',
      title: 't',
      effectiveFrom: '2026-01-01',
      effectiveUntil: null,
      minerals: [],
      source: 's',
    };
    expect(() => buildReferenceData({ agreements: [a, a] })).toThrow(/appears twice/);
    expect(() => buildReferenceData({ agreements: [{ ...a, partnerCountry: 'EU' }] })).toThrow(/two country groups/);
    expect(() => buildReferenceData({ agreements: [{ ...a, effectiveFrom: '2026-1-1' }] })).toThrow(/bad date/);
    expect(() => buildReferenceData({ agreements: [{ ...a, effectiveUntil: '2025-01-01' }] })).toThrow(/ends before/);
  });
});
