/**
 * The HS 2022 mapping (shared/reference/data/hs-minerals.ts) is sourced, covers the chapters where critical minerals
 * sit, and maps every tariff line the export measures name to an entry carrying the measure's minerals.
 */
import { describe, expect, it } from 'vitest';
import {
  hsEntryOfCode,
  hsEntryProblems,
  hsMapping,
  tariffLinesOfMeasures,
} from '../../../shared/reference/hs-codes.ts';
import { referenceData } from '../../../shared/reference/index.ts';

const ref = referenceData();
const known = (id: string) => ref.minerals.has(id);
/** A mapping entry's minerals as elements (a group stands for its members). */
const elementsOf = (minerals: readonly string[]) =>
  new Set(minerals.flatMap((m) => ref.minerals.get(m)?.covers ?? [m]));

// The chapters issue 13 names: where the critical minerals sit in the nomenclature.
/** The catalogue's elements (groups left out): a measure reaching all of them is on every mineral. */
const EVERY_MINERAL = [...ref.minerals.values()].filter((m) => !m.isGroup).length;

const CHAPTERS = ['25', '26', '27', '28', '38', '71', '72', '74', '75', '76', '78', '79', '80', '81'];
const PRODUCT_CHAPTERS = ['84', '85', '87', '88', '90', '93'];

describe('HS mapping entries', () => {
  it('every entry has a source, a year, how it was read, known minerals and well-formed codes', () => {
    for (const e of hsMapping) expect(hsEntryProblems(e, known), e.id).toEqual([]);
  });

  it('the check fails an entry without a source or a year', () => {
    const [first] = hsMapping;
    if (!first) throw new Error('no entry');
    expect(hsEntryProblems({ ...first, source: ' ' }, known)).toContain('no source');
    expect(hsEntryProblems({ ...first, year: Number.NaN }, known)).toContain('year NaN is not a year');
    expect(hsEntryProblems({ ...first, minerals: ['unobtainium'] }, known)).toContain("unknown mineral 'unobtainium'");
    expect(hsEntryProblems({ ...first, codes: ['85051'] }, known)).toContain("code '85051' is not 4 or 6 digits");
  });

  it('ids are unique, and no code belongs to two entries (a lookup is never ambiguous)', () => {
    const ids = hsMapping.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const codes = hsMapping.flatMap((e) => e.codes);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it.each([...CHAPTERS, ...PRODUCT_CHAPTERS])('chapter %s has entries', (chapter) => {
    expect(hsMapping.some((e) => e.codes.some((c) => c.startsWith(chapter)))).toBe(true);
  });

  it('waste-and-scrap entries, and only they, are recycled feed', () => {
    for (const e of hsMapping) expect(e.recycled === true, e.id).toBe(/waste and scrap/i.test(e.title));
  });
});

describe('tariff lines the export measures name', () => {
  const measures = new Map(ref.policyEvents.map((e) => [e.id, e]));

  it.each(tariffLinesOfMeasures.map((t) => [t.measure, t]))(
    '%s: every line it names maps to an entry, and its lines carry its minerals',
    (_, t) => {
      const measure = measures.get(t.measure);
      expect(measure, 'a measure of the reference data').toBeDefined();
      expect(t.source.trim()).not.toBe('');
      const theirs = ref.eventMinerals.get(t.measure) ?? new Set<string>();
      const carried = new Set<string>();
      for (const code of t.codes) {
        const entry = hsEntryOfCode(code);
        expect(entry, `${t.measure} ${code}`).toBeDefined();
        for (const m of elementsOf(entry?.minerals ?? [])) if (theirs.has(m)) carried.add(m);
      }
      // Every mineral the measure reaches is carried by one of its lines. (A line may carry minerals the measure
      // does not reach: Ann. 58's cathode materials are read narrowly, docs/model.md section 4.)
      // A measure on every raw mineral (Zimbabwe 2026) names lines for some of them only.
      if (theirs.size < EVERY_MINERAL) expect([...theirs].filter((m) => !carried.has(m))).toEqual([]);
      else expect(carried.size).toBeGreaterThan(0);
    },
  );

  it('every measure on named minerals has its tariff lines listed (measures on every mineral or on know-how excepted)', () => {
    const listed = new Set(tariffLinesOfMeasures.map((t) => t.measure));
    const unlisted = ref.policyEvents
      .filter((e) => e.kind !== 'suspension')
      .filter((e) => {
        const theirs = ref.eventMinerals.get(e.id)?.size ?? 0;
        return theirs > 0 && theirs < EVERY_MINERAL;
      })
      .map((e) => e.id)
      .filter((id) => !listed.has(id));
    expect(unlisted).toEqual([]);
  });

  it('the lines the issue names map as it says', () => {
    const minerals = (code: string) => hsEntryOfCode(code)?.minerals;
    expect(minerals('850511')).toEqual(['neodymium', 'praseodymium', 'dysprosium', 'terbium']);
    expect(minerals('850760')).toEqual(['lithium', 'cobalt', 'nickel', 'manganese', 'graphite']);
    expect(minerals('811292')).toEqual(expect.arrayContaining(['gallium', 'germanium']));
    expect(minerals('282560')).toContain('germanium');
    expect(minerals('2504')).toEqual(['graphite']);
    expect(minerals('3801')).toEqual(['graphite']);
    expect(minerals('8110')).toEqual(['antimony']);
    expect(minerals('8541')).toEqual(expect.arrayContaining(['gallium', 'germanium', 'indium', 'silicon']));
    expect(minerals('8542')).toEqual(expect.arrayContaining(['gallium', 'germanium', 'silicon']));
  });
});
