#!/usr/bin/env -S node --import tsx
/**
 * npx tsx bin/generate-governance.ts [CSV] > shared/reference/data/governance.ts
 *
 * Writes the governance data file the model reads from the WGI extract the project was given
 * (CSV, default ../shared/reference/wgi-2023.csv: iso3,country,year,va,pv,ge,rq,rl,cc,wgi_code). One row per
 * economy, all six dimensions, a missing estimate kept as null; ISO alpha-3 → alpha-2 through i18n-iso-countries,
 * as the country tools read codes. Two codes need a word: Kosovo is XKX in the extract and XK/XKK in the package;
 * the Netherlands Antilles (ANT, dissolved 2010) has no estimate at all and no current ISO code, so it is left out.
 * Run `npx biome check --write shared/reference/data/governance.ts` after it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import countries from 'i18n-iso-countries';

const file = process.argv[2] ?? new URL('../../shared/reference/wgi-2023.csv', import.meta.url).pathname;
const records: Record<string, string>[] = parse(readFileSync(file, 'utf8'), { columns: true, trim: true });

const ALPHA2_EXCEPTIONS: Record<string, string | null> = { XKX: 'XK', ANT: null };
const DIMENSIONS = ['va', 'pv', 'ge', 'rq', 'rl', 'cc'] as const;

const rows: string[] = [];
for (const r of records) {
  const iso3 = r.iso3 as string;
  const alpha2 = iso3 in ALPHA2_EXCEPTIONS ? ALPHA2_EXCEPTIONS[iso3] : countries.alpha3ToAlpha2(iso3);
  const values = DIMENSIONS.map((d) => (r[d] === '' ? null : Number(r[d])));
  if (alpha2 === null) {
    if (values.some((v) => v !== null)) throw new Error(`${iso3} has estimates but no ISO alpha-2 code`);
    continue;
  }
  if (!alpha2) throw new Error(`no ISO alpha-2 code for ${iso3} (${r.country})`);
  if (r.year !== '2023') throw new Error(`${iso3}: year ${r.year}, expected 2023`);
  for (const v of values)
    if (v !== null && !(Number.isFinite(v) && v >= -3 && v <= 3)) throw new Error(`${iso3}: bad estimate ${v}`);
  rows.push(
    `  [${[alpha2, r.wgi_code, r.country].map((s) => JSON.stringify(s)).join(', ')}, ${values.map(String).join(', ')}],`,
  );
}

process.stdout.write(`/**
 * World Bank Worldwide Governance Indicators (WGI), 2024 update, estimates for the year 2023: all six dimensions for
 * every WGI economy with data (${rows.length} of the 214; the Netherlands Antilles, dissolved, has none). Estimates are in
 * units of a standard normal distribution across economies (mean 0, about −2.5 weak … +2.5 strong); null = not
 * estimated (VA for some territories). The one vintage for every country: no other governance source is used.
 *
 * Provenance (shared/reference/README.md): World Bank WGI 2024 update (data to 2023), read from the public mirror
 * lmorgans/WGIdata \`wgidataset.csv\` (commit 05f52f8), cross-checked against a DataBank export; WGI codes mapped to
 * ISO3 (ZAR→COD, ROM→ROU, TMP→TLS, WBG→PSE, ADO→AND, KSV→XKX; the WGI's own code is kept as \`wgiCode\`).
 *
 * Generated from shared/reference/wgi-2023.csv by bin/generate-governance.ts (ISO3 → ISO2 by i18n-iso-countries;
 * Kosovo XKX → XK): do not edit by hand, regenerate.
 */
export const wgiRelease = {
  source: 'World Bank WGI 2024 update',
  vintage: '2023',
  via: 'public mirror lmorgans/WGIdata wgidataset.csv (commit 05f52f8), cross-checked against a DataBank export',
} as const;

/** ISO alpha-2, the WGI's code, the WGI's name, then VA, PV, GE, RQ, RL, CC (estimates; null = not estimated). */
export type WgiRow = readonly [
  country: string,
  wgiCode: string,
  wgiName: string,
  voiceAccountability: number | null,
  politicalStability: number | null,
  governmentEffectiveness: number | null,
  regulatoryQuality: number | null,
  ruleOfLaw: number | null,
  controlOfCorruption: number | null,
];

export const wgi2023: readonly WgiRow[] = [
${rows.join('\n')}
];
`);
