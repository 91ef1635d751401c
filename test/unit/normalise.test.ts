import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCountry,
  parseIsoDate,
  parseMineral,
  parseShare,
  parseSpendUsd,
  parseWholeNumber,
} from '../../shared/model/normalise.ts';
import { allCountries } from '../../shared/reference/countries.ts';

describe('parseCountry', () => {
  it.each([
    ['CN', 'CN'],
    ['cn', 'CN'],
    ['CHN', 'CN'],
    ['China', 'CN'],
    [' CHINA ', 'CN'],
    ['PRC', 'CN'],
    ["People's Republic of China", 'CN'],
    ['DR Congo', 'CD'],
    ['DRC', 'CD'],
    ['Congo (Kinshasa)', 'CD'],
    ['Democratic Republic of the Congo', 'CD'],
    ['COD', 'CD'],
    ['Congo (Brazzaville)', 'CG'],
    ['Republic of the Congo', 'CG'],
    ['South Korea', 'KR'],
    ['Korea', 'KR'],
    ['KOR', 'KR'],
    ['North Korea', 'KP'],
    ['Türkiye', 'TR'],
    ['Turkiye', 'TR'],
    ['TÜRKIYE', 'TR'],
    ['Turkey', 'TR'],
    ["Côte d'Ivoire", 'CI'],
    ['Cote d’Ivoire', 'CI'],
    ['Ivory Coast', 'CI'],
    ['Viet Nam', 'VN'],
    ['Vietnam', 'VN'],
    ['Burma', 'MM'],
    ['Myanmar', 'MM'],
    ['Laos', 'LA'],
    ['the Gambia', 'GM'],
    ['United States', 'US'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['UK', 'GB'],
    ['GA', 'GA'], // Gabon, not gallium
    ['Niger', 'NE'],
    ['Nigeria', 'NG'],
  ])('%j → %s', (raw, code) => {
    expect(parseCountry(raw)).toEqual({ ok: true, value: code });
  });

  it('every ISO country resolves from its alpha-2, alpha-3 and name, in any case', () => {
    expect(allCountries.length).toBeGreaterThanOrEqual(249);
    for (const c of allCountries) {
      expect(parseCountry(c.code.toLowerCase()), c.code).toEqual({ ok: true, value: c.code });
      expect(parseCountry(c.alpha3), c.alpha3).toEqual({ ok: true, value: c.code });
      expect(parseCountry(c.name.toUpperCase()), c.name).toEqual({ ok: true, value: c.code });
    }
  });

  it.each(['Congo', 'congo', 'The Congo', ' CONGO '])('%j is ambiguous and rejected, naming both countries', (raw) => {
    expect(parseCountry(raw)).toEqual({
      ok: false,
      message: `country '${raw.trim()}' is ambiguous: write 'CD' (DR Congo) or 'CG' (Republic of the Congo)`,
    });
  });

  it.each([
    ['Austrlia', "unknown country 'Austrlia'; did you mean 'Australia' (AU)?"],
    ['Germny', "unknown country 'Germny'; did you mean 'Germany' (DE)?"],
    ['Brasil', "unknown country 'Brasil'; did you mean 'Brazil' (BR)?"],
    ['Narnia', "unknown country 'Narnia'"],
    ['XX', "unknown country 'XX'"],
  ])('%j is unknown: %s', (raw, message) => {
    expect(parseCountry(raw)).toEqual({ ok: false, message });
  });

  it('answers the same the second time (cached)', () => {
    expect(parseCountry('Austrlia')).toEqual(parseCountry('Austrlia'));
    expect(parseCountry('PRC')).toEqual({ ok: true, value: 'CN' });
  });
});

describe('parseMineral', () => {
  it.each([
    ['REE', 'rare_earths'],
    ['rare earths', 'rare_earths'],
    ['Rare-Earths', 'rare_earths'],
    ['rare_earths', 'rare_earths'],
    ['rare earth', 'rare_earths'],
    ['Nd', 'neodymium'],
    ['ND', 'neodymium'],
    ['neodymium', 'neodymium'],
    ['dysprosium', 'dysprosium'],
    ['Dysprosium ', 'dysprosium'],
    ['Dy', 'dysprosium'],
    ['Tb', 'terbium'],
    ['HREE', 'heavy_rare_earths'],
    ['PGM', 'platinum_group_metals'],
    ['PGMs', 'platinum_group_metals'],
    ['platinum group metals', 'platinum_group_metals'],
    ['Ga', 'gallium'],
    ['Ge', 'germanium'],
    ['Sb', 'antimony'],
    ['W', 'tungsten'],
    ['Li', 'lithium'],
    ['Co', 'cobalt'],
    ['graphite', 'graphite'],
  ])('%j → %s', (raw, id) => {
    expect(parseMineral(raw)).toEqual({ ok: true, value: id });
  });

  it.each([
    ['dysprosim', "unknown mineral 'dysprosim'; did you mean 'dysprosium'?"],
    ['lithum', "unknown mineral 'lithum'; did you mean 'lithium'?"],
    ['galium', "unknown mineral 'galium'; did you mean 'gallium'?"],
    ['unobtainium', "unknown mineral 'unobtainium'"],
    ['Xx', "unknown mineral 'Xx'"],
  ])('%j is unknown: %s', (raw, message) => {
    expect(parseMineral(raw)).toEqual({ ok: false, message });
  });
});

describe('parseShare', () => {
  it.each([
    ['0.35', 0.35],
    ['35%', 0.35],
    ['35 %', 0.35],
    ['35', 0.35],
    ['1', 1], // 1 means 100%, not 1%
    ['1.0', 1],
    ['100', 1],
    ['100%', 1],
    ['0', 0],
    ['0%', 0],
    ['.5', 0.5],
    ['0.5%', 0.005],
    ['  60% ', 0.6],
  ])('%j → %d', (raw, value) => {
    const r = parseShare(raw);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toBeCloseTo(value, 12);
  });

  it.each(['101', '140%', '100.5%', '-0.1', '-5%', '1e3'])('%j is out of range', (raw) => {
    expect(parseShare(raw)).toEqual({
      ok: false,
      message: `share '${raw}' is out of range: must be between 0 and 100%`,
    });
  });

  it.each(['abc', '35%%', '0,35', '', '%', 'NaN', 'Infinity'])('%j is not a number', (raw) => {
    expect(parseShare(raw)).toEqual({ ok: false, message: `share '${raw}' is not a number (write 0.35 or 35%)` });
  });

  it('any accepted share is a fraction in [0, 1]; a percentage p% is p/100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20_000, max: 20_000 }).map((i) => i / 100),
        (n) => {
          const pct = parseShare(`${n}%`);
          if (n >= 0 && n <= 100) expect(pct).toEqual({ ok: true, value: n / 100 + 0 });
          else expect(pct.ok).toBe(false);
          const plain = parseShare(String(n));
          if (plain.ok) expect(plain.value >= 0 && plain.value <= 1).toBe(true);
        },
      ),
    );
  });
});

describe('parseSpendUsd', () => {
  it.each([
    ['1250000', 1_250_000],
    ['$1,250,000', 1_250_000],
    ['USD 1 250 000', 1_250_000],
    ['1 250 000 USD', 1_250_000],
    ['US$ 1,250,000.50', 1_250_000.5],
    ["1'250'000", 1_250_000],
    ['1\u00a0250\u00a0000', 1_250_000],
    ['0', 0],
  ])('%j → %d', (raw, value) => {
    expect(parseSpendUsd(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['-6250000', "annual_spend_usd '-6250000' is negative"],
    ['$-5', "annual_spend_usd '$-5' is negative"],
    ['lots', "annual_spend_usd 'lots' is not a number"],
    ['12abc', "annual_spend_usd '12abc' is not a number"],
    ['USD', "annual_spend_usd 'USD' is not a number"],
    ['1e400', "annual_spend_usd '1e400' is too large"],
    ['EUR 1,000', "annual_spend_usd 'EUR 1,000' is not in US dollars"],
    ['€1000', "annual_spend_usd '€1000' is not in US dollars"],
    ['1000 eur', "annual_spend_usd '1000 eur' is not in US dollars"],
    ['£500', "annual_spend_usd '£500' is not in US dollars"],
    ['CNY 9000', "annual_spend_usd 'CNY 9000' is not in US dollars"],
  ])('%j is rejected: %s', (raw, message) => {
    expect(parseSpendUsd(raw)).toEqual({ ok: false, message });
  });

  it('round-trips any non-negative amount written with thousands separators and a dollar sign', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (n) => {
        expect(parseSpendUsd(`$${n.toLocaleString('en-US')}`)).toEqual({ ok: true, value: n });
        expect(parseSpendUsd(`USD ${n.toLocaleString('fr-FR')}`)).toEqual({ ok: true, value: n });
      }),
    );
  });
});

describe('parseWholeNumber and parseIsoDate', () => {
  it('accepts whole numbers within the bounds only', () => {
    expect(parseWholeNumber('3', 'tier', 1, 10)).toEqual({ ok: true, value: 3 });
    expect(parseWholeNumber('2.0', 'tier', 1, 10)).toEqual({ ok: true, value: 2 });
    expect(parseWholeNumber('1,000', 'inventory_days', 0, 3650)).toEqual({ ok: true, value: 1000 });
    expect(parseWholeNumber('11', 'tier', 1, 10)).toEqual({
      ok: false,
      message: "tier '11' is out of range: must be between 1 and 10",
    });
    expect(parseWholeNumber('2.5', 'tier', 1, 10)).toEqual({ ok: false, message: "tier '2.5' is not a whole number" });
    expect(parseWholeNumber('two', 'tier', 1, 10)).toEqual({ ok: false, message: "tier 'two' is not a whole number" });
  });

  it('gives plain digits (its fast path) the same answer as the general path', () => {
    // A leading space sends the same value down the general path (trim, regex, cache), so both must agree.
    fc.assert(
      fc.property(
        // Small values and bounds so the edges of the range come up often; long strings for the length limit.
        fc.oneof(fc.integer({ min: 0, max: 25 }).map(String), fc.stringMatching(/^[0-9]{1,12}$/)),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (digits, a, b) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          expect(parseWholeNumber(digits, 'inventory_days', min, max)).toEqual(
            parseWholeNumber(` ${digits}`, 'inventory_days', min, max),
          );
        },
      ),
    );
  });

  it.each([
    ['2026-11-28', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2026-13-01', false],
    ['2026-1-5', false],
    ['28/11/2026', false],
    ['2026-11-28T00:00', false],
  ])('date %j valid: %s', (raw, valid) => {
    expect(parseIsoDate(raw).ok).toBe(valid);
  });
});
