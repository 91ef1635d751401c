/**
 * Governance data: one WGI release for every country (shared/reference/data/governance.ts, generated from
 * shared/reference/wgi-2023.csv by bin/generate-governance.ts). Tests may not read outside the repository, so the file
 * is checked for internal consistency and against values copied by hand from the CSV.
 */
import countries from 'i18n-iso-countries';
import { describe, expect, it } from 'vitest';
import { governanceRisk, WGI_DIMENSIONS } from '../../../shared/model/governance.ts';
import { createScorer } from '../../../shared/model/score.ts';
import { isCountryCode } from '../../../shared/reference/countries.ts';
import { wgi2023, wgiRelease } from '../../../shared/reference/data/governance.ts';
import { productionShares } from '../../../shared/reference/data/production-shares.ts';
import { productionSharesMcs2026 } from '../../../shared/reference/data/production-shares-mcs2026.ts';
import { productionSharesSupplement } from '../../../shared/reference/data/production-shares-supplement.ts';
import { referenceData } from '../../../shared/reference/index.ts';
import { context, singleLine } from '../../helpers/supplier-input.ts';

const ref = referenceData();

/** Places the data names that are not WGI economies: they, and only they, take the default. */
const NOT_WGI_ECONOMIES: Record<string, string> = { NC: 'New Caledonia' };

/** WGI codes that are not the ISO alpha-3 (shared/reference/README.md), and Kosovo, which ISO does not code. */
const WGI_CODE_REMAPS: Record<string, string> = { ZAR: 'CD', ROM: 'RO', TMP: 'TL', WBG: 'PS', ADO: 'AD', KSV: 'XK' };

describe('the WGI data file', () => {
  it('holds the 213 WGI economies with estimates, each once, all of one release', () => {
    expect(wgi2023).toHaveLength(213);
    expect(new Set(wgi2023.map((r) => r[0])).size).toBe(213);
    expect(new Set(wgi2023.map((r) => r[1])).size).toBe(213);
    expect(wgiRelease).toMatchObject({ source: 'World Bank WGI 2024 update', vintage: '2023' });
    expect(wgiRelease.via).toContain('lmorgans/WGIdata');
    expect(wgiRelease.via).toContain('05f52f8');
    for (const g of ref.governance.values()) expect([g.source, g.vintage]).toEqual([wgiRelease.source, '2023']);
  });

  it('maps every WGI code to the ISO alpha-2 code the country tools know', () => {
    for (const [country, wgiCode, name] of wgi2023) {
      expect(isCountryCode(country), `${wgiCode} ${name}`).toBe(true);
      const iso3 = countries.alpha2ToAlpha3(country);
      if (wgiCode in WGI_CODE_REMAPS) expect(WGI_CODE_REMAPS[wgiCode], wgiCode).toBe(country);
      else expect(iso3, `${wgiCode} ${name}`).toBe(wgiCode);
    }
  });

  it('keeps every estimate on the WGI scale, with at least one dimension per economy', () => {
    for (const [country, , , ...values] of wgi2023) {
      expect(values).toHaveLength(6);
      expect(
        values.some((v) => v !== null),
        country,
      ).toBe(true);
      for (const v of values) if (v !== null) expect(Math.abs(v), country).toBeLessThanOrEqual(3);
    }
  });

  it('matches the CSV on hand-checked rows (iso3,…,va,pv,ge,rq,rl,cc,wgi_code)', () => {
    // Copied from shared/reference/wgi-2023.csv, one row each.
    const fromCsv: Record<string, [string, ...(number | null)[]]> = {
      CN: ['CHN', -1.5, -0.51, 0.68, -0.36, -0.04, -0.01], // CHN,China,2023,-1.50,-0.51,0.68,-0.36,-0.04,-0.01,CHN
      TR: ['TUR', -0.86, -1.01, -0.25, -0.23, -0.51, -0.5], // TUR,Türkiye,2023,-0.86,-1.01,-0.25,-0.23,-0.51,-0.50,TUR
      CD: ['ZAR', -1.21, -2.04, -1.69, -1.41, -1.67, -1.48], // COD,"Congo, Dem. Rep.",2023,…,ZAR
      US: ['USA', 0.88, 0.03, 1.22, 1.39, 1.33, 1.12],
      AU: ['AUS', 1.51, 0.92, 1.59, 1.94, 1.52, 1.78],
      MX: ['MEX', -0.12, -0.63, -0.2, -0.17, -0.81, -1.02],
      PE: ['PER', 0.06, -0.52, -0.49, 0.29, -0.54, -0.72],
      TJ: ['TJK', -1.63, -0.47, -0.77, -1.18, -1.28, -1.38],
      KP: ['PRK', -1.98, -0.37, -1.48, -2.39, -1.64, -1.58],
      RO: ['ROM', 0.5, 0.37, -0.09, 0.32, 0.44, 0.04],
      XK: ['KSV', -0.09, -0.32, -0.08, -0.3, -0.31, -0.19],
      AI: ['AIA', null, 1.11, 1.2, 0.93, 0.68, 1.25], // VA not estimated
      NU: ['NIU', null, null, 1.16, 0.11, -0.53, -0.18], // VA and PV not estimated
    };
    for (const [country, [wgiCode, ...values]] of Object.entries(fromCsv)) {
      const g = ref.governance.get(country);
      expect(g?.wgiCode, country).toBe(wgiCode);
      expect(
        WGI_DIMENSIONS.map((d) => g?.[d]),
        country,
      ).toEqual(values);
    }
    // Netherlands Antilles (ANT): a WGI row with no estimate and no current ISO code, left out.
    expect(wgi2023.some((r) => r[1] === 'ANT')).toBe(false);
  });
});

describe('who takes the default', () => {
  const named = new Set<string>();
  for (const r of [...productionShares, ...productionSharesSupplement, ...productionSharesMcs2026])
    named.add(r.country);
  for (const a of ref.agreements) named.add(a.partnerCountry).add(a.buyerCountry);
  for (const e of ref.policyEvents) {
    named.add(e.country);
    if (e.destination.kind === 'country' || e.destination.kind === 'country_military') named.add(e.destination.country);
  }

  it('no country of the production data, agreements or policy events that the WGI covers takes the default', () => {
    const defaulted = [...named].filter((c) => !governanceRisk(ref, c).known).sort();
    expect(defaulted).toEqual(Object.keys(NOT_WGI_ECONOMIES).filter((c) => named.has(c)));
  });

  it('only places outside the WGI are on the default list', () => {
    for (const c of Object.keys(NOT_WGI_ECONOMIES)) expect(ref.governance.has(c), c).toBe(false);
  });

  it('w is the mean of the dimensions the WGI estimates, rescaled: China, Niue (4 of 6), New Caledonia (none)', () => {
    const cn = governanceRisk(ref, 'CN');
    expect(cn.dimensions).toBe(6);
    expect(cn.estimate).toBeCloseTo((-1.5 - 0.51 + 0.68 - 0.36 - 0.04 - 0.01) / 6, 12);
    expect(cn.risk).toBeCloseTo((2.5 - cn.estimate) / 5, 12);
    const nu = governanceRisk(ref, 'NU');
    expect([nu.dimensions, nu.estimate]).toEqual([4, (1.16 + 0.11 - 0.53 - 0.18) / 4]);
    expect(governanceRisk(ref, 'NC')).toMatchObject({ known: false, dimensions: 0, estimate: 0, risk: 0.5 });
  });

  it('a driver says when the world mean is assumed, and gives the estimate otherwise', () => {
    const score = (mineral: string, country: string) =>
      createScorer(ref, context('2026-11-28', 'US')).score(singleLine(mineral, country, country)).drivers[0]?.text;
    expect(score('nickel', 'NC')).toContain('no WGI data for New Caledonia: world mean assumed');
    const boron = score('boron', 'TR');
    expect(boron).toContain('weak governance (WGI -0.56, mean of 6 dimensions, world mean 0; World Bank WGI 2024');
    expect(boron).not.toContain('no WGI data');
  });
});
