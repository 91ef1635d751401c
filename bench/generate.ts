/**
 * A deterministic generator of realistic supplier lists in the CSV contract, for benchmarks.
 *
 * Each supplier gets 1–4 lines (2 on average) from one industry profile (magnets, batteries, semiconductors,
 * catalysts, defence), mixing how people really write things: `China`/`PRC`/`CN`, `DR Congo`/`CD`, `Nd`/`neodymium`,
 * shares as `60%`, `0.6` or `60`, spend as `4850000` or `"$4,850,000"`, names such as `"Foo Metals Co., Ltd."` that
 * need quoting. About 1 row in 2,000 carries a realistic mistake (a typo'd country, an unknown mineral, a share above
 * 100%, a negative spend) so the rejection path is exercised too. Same seed and row count, same bytes.
 *
 * Usage: npx tsx bench/generate.ts [ROWS] [FILE] [SEED]
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const HEADER =
  'supplier_id,supplier_name,supplier_country,annual_spend_usd,tier,mineral,origin_country,processing_country,share,alternative_sources,inventory_days';

/** Bump when the generator's output changes, so figures are only compared on the same data. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 20251201;

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
/** k distinct elements of xs (k ≤ xs.length), in random order. */
function sample<T>(r: Rand, xs: readonly T[], k: number): T[] {
  const copy = [...xs];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(r() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, k);
}

/** How a country is written in procurement exports: mostly the ISO code, often a name or an alias. */
const COUNTRY_FORMS: Record<string, readonly string[]> = {
  CN: ['China', 'PRC', 'CHN', "People's Republic of China"],
  CD: ['DR Congo', 'DRC', 'Congo (Kinshasa)', 'Democratic Republic of the Congo'],
  KR: ['South Korea', 'Korea', 'Republic of Korea'],
  TR: ['Türkiye', 'Turkey'],
  US: ['USA', 'United States', 'United States of America'],
  GB: ['United Kingdom', 'UK'],
  RU: ['Russia', 'Russian Federation'],
  VN: ['Vietnam', 'Viet Nam'],
  AU: ['Australia'],
  CL: ['Chile'],
  AR: ['Argentina'],
  ZW: ['Zimbabwe'],
  ID: ['Indonesia'],
  PH: ['Philippines'],
  CA: ['Canada'],
  MZ: ['Mozambique'],
  MG: ['Madagascar'],
  BR: ['Brazil'],
  ZA: ['South Africa'],
  GA: ['Gabon'],
  JP: ['Japan'],
  DE: ['Germany'],
  RW: ['Rwanda'],
  NG: ['Nigeria'],
  NO: ['Norway'],
  TJ: ['Tajikistan'],
  AT: ['Austria'],
  MM: ['Myanmar', 'Burma'],
  MY: ['Malaysia'],
  EE: ['Estonia'],
  FI: ['Finland'],
  KZ: ['Kazakhstan'],
  MX: ['Mexico'],
  IN: ['India'],
  FR: ['France'],
  SE: ['Sweden'],
  TW: ['Taiwan'],
  BE: ['Belgium'],
};

interface MineralSpec {
  /** Ways the mineral is written: canonical id first, then symbols and aliases. */
  forms: readonly string[];
  origins: readonly string[];
  processing: readonly string[];
}

const M = (forms: string[], origins: string[], processing: string[]): MineralSpec => ({ forms, origins, processing });

const PROFILES: Record<string, MineralSpec[]> = {
  magnets: [
    M(['neodymium', 'Nd', 'Neodymium'], ['CN', 'AU', 'US', 'MM'], ['CN', 'MY', 'JP', 'EE']),
    M(['praseodymium', 'Pr'], ['CN', 'AU', 'US'], ['CN', 'MY', 'EE']),
    M(['dysprosium', 'Dy'], ['CN', 'MM', 'AU'], ['CN', 'MY']),
    M(['terbium', 'Tb'], ['CN', 'MM', 'AU'], ['CN', 'MY']),
    M(['samarium', 'Sm'], ['CN', 'US', 'AU'], ['CN', 'JP']),
    M(['rare earths', 'REE'], ['CN', 'AU', 'US', 'MM'], ['CN', 'MY', 'EE']),
  ],
  batteries: [
    M(['lithium', 'Li', 'lithium carbonate'], ['AU', 'CL', 'CN', 'AR', 'ZW'], ['CN', 'CL', 'AR', 'US']),
    M(['cobalt', 'Co'], ['CD', 'ID', 'AU', 'PH'], ['CN', 'FI', 'BE']),
    M(['nickel', 'Ni'], ['ID', 'PH', 'RU', 'CA', 'AU'], ['ID', 'CN', 'JP', 'FI']),
    M(['graphite', 'natural graphite'], ['CN', 'MZ', 'MG', 'BR'], ['CN', 'JP', 'KR']),
    M(['manganese', 'Mn'], ['ZA', 'GA', 'AU'], ['CN', 'ZA']),
  ],
  semiconductors: [
    M(['gallium', 'Ga'], ['CN', 'JP', 'KR', 'DE'], ['CN', 'JP', 'US']),
    M(['germanium', 'Ge'], ['CN', 'RU', 'US'], ['CN', 'BE', 'US']),
    M(['indium', 'In'], ['CN', 'KR', 'JP', 'CA'], ['CN', 'KR', 'JP']),
    M(['tantalum', 'Ta', 'coltan'], ['CD', 'RW', 'BR', 'NG'], ['CN', 'US', 'DE', 'KZ']),
    M(['silicon', 'Si', 'polysilicon'], ['CN', 'NO', 'BR'], ['CN', 'US', 'DE']),
  ],
  catalysts: [
    M(['platinum', 'Pt'], ['ZA', 'RU', 'ZW', 'CA'], ['ZA', 'GB', 'US']),
    M(['palladium', 'Pd'], ['RU', 'ZA', 'CA', 'US'], ['RU', 'ZA', 'GB']),
    M(['rhodium', 'Rh'], ['ZA', 'RU', 'ZW'], ['ZA', 'GB']),
    M(['cerium', 'Ce'], ['CN', 'AU', 'US'], ['CN', 'EE', 'FR']),
  ],
  defence: [
    M(['tungsten', 'W', 'wolfram'], ['CN', 'VN', 'RU', 'AT'], ['CN', 'AT', 'US']),
    M(['antimony', 'Sb'], ['CN', 'TJ', 'RU', 'TR'], ['CN', 'BE', 'MX']),
    M(['beryllium', 'Be'], ['US', 'CN', 'KZ'], ['US', 'KZ']),
    M(['germanium', 'Ge'], ['CN', 'RU', 'US'], ['CN', 'BE', 'US']),
    M(['gallium', 'Ga'], ['CN', 'JP', 'DE'], ['CN', 'JP']),
  ],
};
const PROFILE_NAMES = Object.keys(PROFILES);
const PROFILE_WORDS: Record<string, readonly string[]> = {
  magnets: ['Magnetics', 'Magnet Materials', 'Sintered Magnets', 'Motor Components', 'Permanent Magnets'],
  batteries: ['Battery Materials', 'Cathode Technology', 'Anode Materials', 'Energy Storage', 'Cell Components'],
  semiconductors: ['Semiconductor', 'Wafer Technology', 'Compound Semi', 'Electronic Materials', 'Optoelectronics'],
  catalysts: ['Catalysts', 'Precious Metals', 'Emission Systems', 'Refining Chemicals'],
  defence: ['Defence Systems', 'Aerospace Alloys', 'Hard Metals', 'Precision Munitions', 'Avionics'],
};
const NAME_STEMS = [
  'Nordmag',
  'Pacific',
  'Shenzhou',
  'Lumen',
  'Kanto',
  'Aurora',
  'Tidewater',
  'Baltic',
  'Andes',
  'Sahel',
  'Rhine',
  'Kestrel',
  'Orion',
  'Meridian',
  'Cascade',
  'Zhejiang',
  'Penang',
  'Niassa',
  'Ural',
  'Kivu',
  'Pilbara',
  'Atacama',
  'Hokuriku',
  'Busan',
  'Ruhr',
  'Ostrava',
  'Carinthia',
  'Ontario',
  'Sonora',
  'Deccan',
  'Hsinchu',
  'Flanders',
];
/** Legal suffixes; those with a comma force the name to be quoted in CSV. */
const SUFFIXES = [
  'GmbH',
  'Corp',
  'Inc',
  'Ltd',
  'AB',
  'K.K.',
  'S.A.',
  'Co., Ltd.',
  ', Inc.',
  ', LLC',
  'plc',
  'AG',
  'Pty Ltd',
];
const SUPPLIER_COUNTRIES = ['US', 'DE', 'JP', 'CN', 'KR', 'GB', 'FR', 'SE', 'CA', 'MX', 'IN', 'TW', 'MY', 'AU', 'BE'];

/** A country as an export would write it: 70% ISO code, else one of its names or aliases. */
function countryForm(r: Rand, code: string): string {
  const forms = COUNTRY_FORMS[code];
  return forms && r() >= 0.7 ? pick(r, forms) : code;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shares (whole percent) for n lines of one mineral, summing to 100, or less when part is left undeclared. */
function splitShares(r: Rand, n: number): number[] {
  let parts: number[];
  if (n === 1) parts = [100];
  else if (n === 2) {
    const a = int(r, 10, 18) * 5;
    parts = [a, 100 - a];
  } else
    parts = pick(r, [
      [50, 30, 20],
      [60, 25, 15],
      [40, 35, 25],
      [70, 20, 10],
    ] as number[][]);
  if (r() < 0.1) {
    const i = parts.length - 1;
    parts[i] = Math.max(5, (parts[i] as number) - 5 * int(r, 1, 3));
  }
  return parts;
}

function shareForm(r: Rand, pct: number): string {
  const x = r();
  if (x < 0.4) return `${pct}%`;
  if (x < 0.8) return String(pct / 100);
  return pct === 100 ? pick(r, ['1', '100', '100%']) : String(pct);
}

/** Realistic one-cell mistakes: [column index, bad value]. */
const MISTAKES: [number, string][] = [
  [6, 'Chnia'],
  [6, 'Congo'],
  [7, 'Malasia'],
  [5, 'unobtainium'],
  [5, 'neodymiun'],
  [8, '130%'],
  [8, 'approx. half'],
  [3, '-250000'],
  [4, 'first'],
  [10, '-3'],
];
export const MISTAKE_RATE = 0.0005;

/** Lines for one supplier: cells per row, supplier fields repeated identically on every row. */
function supplierRows(r: Rand, index: number, lineCount: number): string[] {
  const profile = pick(r, PROFILE_NAMES);
  const specs = PROFILES[profile] as MineralSpec[];
  const id = `SUP-${String(index).padStart(7, '0')}`;
  const suffix = pick(r, SUFFIXES);
  const stem = `${pick(r, NAME_STEMS)} ${pick(r, PROFILE_WORDS[profile] as string[])}`;
  const name = suffix.startsWith(',') ? `${stem}${suffix}` : `${stem} ${suffix}`;
  const supplierCountry = countryForm(r, pick(r, SUPPLIER_COUNTRIES));
  const spendValue = int(r, 50, 20_000) * 1000;
  const spendRoll = r();
  const spend = spendRoll < 0.7 ? String(spendValue) : spendRoll < 0.9 ? `$${spendValue.toLocaleString('en-US')}` : '';
  const tier = String(int(r, 1, 3));
  const alternatives = String(int(r, 0, 4));
  const inventory = r() < 0.1 ? '' : String(int(r, 0, 36) * 5);

  // Split lineCount lines over 1..min(lineCount, 4) distinct minerals, at most 3 origins per mineral.
  const mineralCount = Math.min(specs.length, lineCount === 1 ? 1 : int(r, Math.ceil(lineCount / 3), lineCount));
  const minerals = sample(r, specs, mineralCount);
  const perMineral = minerals.map(() => 1);
  for (let left = lineCount - mineralCount; left > 0; ) {
    const i = Math.floor(r() * mineralCount);
    const spec = minerals[i] as MineralSpec;
    if ((perMineral[i] as number) < Math.min(3, spec.origins.length)) {
      perMineral[i] = (perMineral[i] as number) + 1;
      left--;
    }
  }

  const rows: string[] = [];
  minerals.forEach((spec, i) => {
    const n = perMineral[i] as number;
    const mineral = r() < 0.7 ? (spec.forms[0] as string) : pick(r, spec.forms);
    const origins = sample(r, spec.origins, n);
    const shares = splitShares(r, n);
    const blankShares = n === 1 && r() < 0.2;
    origins.forEach((origin, j) => {
      const p = r();
      const processing = p < 0.15 ? '' : p < 0.5 ? countryForm(r, origin) : countryForm(r, pick(r, spec.processing));
      const cells = [
        id,
        csvCell(name),
        supplierCountry,
        csvCell(spend),
        tier,
        mineral,
        csvCell(countryForm(r, origin)),
        csvCell(processing),
        blankShares ? '' : shareForm(r, shares[j] as number),
        alternatives,
        inventory,
      ];
      if (r() < MISTAKE_RATE) {
        const [col, bad] = pick(r, MISTAKES);
        cells[col] = csvCell(bad);
      }
      rows.push(cells.join(','));
    });
  });
  return rows;
}

/** Lines per supplier: 1 (25%), 2 (55%), 3 (15%), 4 (5%): 2.0 on average. */
function lineCountOf(r: Rand): number {
  const x = r();
  return x < 0.25 ? 1 : x < 0.8 ? 2 : x < 0.95 ? 3 : 4;
}

export interface GeneratedFile {
  path: string;
  rows: number;
  suppliers: number;
  bytes: number;
}

/** Write exactly `rows` data rows (plus the header) to `path`, streaming in bounded memory. */
export async function generateSupplierList(path: string, rows: number, seed = DEFAULT_SEED): Promise<GeneratedFile> {
  const r = prng(seed);
  const out = createWriteStream(path);
  await once(out, 'open');
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${HEADER}\n`);
  let written = 0;
  let suppliers = 0;
  let batch: string[] = [];
  while (written < rows) {
    suppliers++;
    const lines = supplierRows(r, suppliers, lineCountOf(r)).slice(0, rows - written);
    written += lines.length;
    batch.push(...lines);
    if (batch.length >= 8192 || written >= rows) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return { path, rows: written, suppliers, bytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const path = process.argv[3] ?? join(tmpdir(), `mineral-risk-suppliers-${rows}.csv`);
  const seed = Number(process.argv[4] ?? DEFAULT_SEED);
  const t0 = performance.now();
  const g = await generateSupplierList(path, rows, seed);
  console.log(
    `${g.path}: ${g.rows} rows, ${g.suppliers} suppliers, ${(g.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
