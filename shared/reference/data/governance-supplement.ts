import type { Governance } from '../types.ts';

/**
 * World Bank Worldwide Governance Indicators (estimate units, about -2.5 weak … +2.5 strong).
 * Rows here win over governance-wgi.csv where they carry a value.
 *
 * Vintages: non-African countries use WGI 2024 update values for 2023 (via econscope.xyz,
 * worldscorecard.com, theglobaleconomy.com). African countries use WGI values for 2024 from
 * africa-api.com for BOTH indicators, matching the 2024 political-stability values already in
 * governance-wgi.csv, so each African row is internally one vintage. null = not found.
 */
export const governanceSupplement: Governance[] = [
  // ── Countries absent from governance-wgi.csv ────────────────────────────────
  {
    country: 'RU',
    politicalStability: -1.13,
    governmentEffectiveness: null,
    vintage: 'PV 2023',
    source: 'World Bank WGI via worldscorecard.com (GE not found)',
  },
  {
    country: 'PE',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source: 'not found in research session',
  },
  {
    country: 'BO',
    politicalStability: -0.546,
    governmentEffectiveness: -0.61,
    vintage: '2024',
    source: 'World Bank WGI via databook.dataint.net (2023 values not found)',
  },
  {
    country: 'AR',
    politicalStability: -0.17,
    governmentEffectiveness: 0.184,
    vintage: '2024',
    source: 'World Bank WGI via databook.dataint.net (2023 values not found)',
  },
  {
    country: 'TR',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source: 'not found in research session',
  },
  {
    country: 'TJ',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source: 'not found in research session',
  },
  {
    country: 'LA',
    politicalStability: 0.81,
    governmentEffectiveness: null,
    vintage: 'PV 2023',
    source: 'World Bank WGI via econscope.xyz (GE not found)',
  },
  {
    country: 'KP',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source: 'not found in research session',
  },
  {
    country: 'NC',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source:
      'No WGI estimate found for New Caledonia (French territory; WGI coverage not confirmed). Needs an explicit documented default.',
  },
  {
    country: 'GH',
    politicalStability: 0.01,
    governmentEffectiveness: 0.06,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com (GE 2023 = -0.09 per econscope.xyz)',
  },
  {
    country: 'SA',
    politicalStability: -0.21,
    governmentEffectiveness: 0.8,
    vintage: '2023',
    source: 'World Bank WGI via theglobaleconomy.com (PV) and econscope.xyz (GE)',
  },
  {
    country: 'IL',
    politicalStability: null,
    governmentEffectiveness: 1.15,
    vintage: 'GE 2023',
    source: 'World Bank WGI via econscope.xyz (PV not found)',
  },
  {
    country: 'BE',
    politicalStability: 0.4,
    governmentEffectiveness: 1.04,
    vintage: '2023',
    source: 'World Bank WGI via econscope.xyz',
  },
  {
    country: 'FR',
    politicalStability: 0.34,
    governmentEffectiveness: 1.14,
    vintage: '2023',
    source: 'World Bank WGI via econscope.xyz',
  },
  {
    country: 'TH',
    politicalStability: null,
    governmentEffectiveness: 0.17,
    vintage: 'GE 2023',
    source: 'World Bank WGI via econscope.xyz (PV not found)',
  },
  {
    country: 'TZ',
    politicalStability: -0.39,
    governmentEffectiveness: -0.29,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },

  // ── Countries introduced by production-shares-supplement.ts ─────────────────
  {
    country: 'GN',
    politicalStability: -1.04,
    governmentEffectiveness: -0.89,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'NA',
    politicalStability: 0.55,
    governmentEffectiveness: 0.1,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com (2023: PV 0.54, GE 0.03 per econscope.xyz)',
  },
  {
    country: 'NE',
    politicalStability: -1.76,
    governmentEffectiveness: -0.77,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'MA',
    politicalStability: -0.44,
    governmentEffectiveness: 0.18,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com (2023: PV -0.37 theglobaleconomy.com, GE -0.04 econscope.xyz)',
  },
  {
    country: 'MX',
    politicalStability: null,
    governmentEffectiveness: null,
    vintage: 'n/a',
    source: 'not found in research session',
  },
  {
    country: 'NO',
    politicalStability: 0.89,
    governmentEffectiveness: 1.8,
    vintage: '2023',
    source: 'World Bank WGI via econscope.xyz',
  },
  {
    country: 'AE',
    politicalStability: 0.68,
    governmentEffectiveness: 1.6,
    vintage: '2023',
    source: 'World Bank WGI via econscope.xyz',
  },
  {
    country: 'BH',
    politicalStability: -0.37,
    governmentEffectiveness: 0.7,
    vintage: '2023',
    source: 'World Bank WGI via theglobaleconomy.com (PV) and econscope.xyz (GE)',
  },

  // ── Completing partial rows of governance-wgi.csv ───────────────────────────
  {
    country: 'MN',
    politicalStability: 0.59,
    governmentEffectiveness: -0.47,
    vintage: '2023',
    source: 'World Bank WGI via econscope.xyz (PV) and worldscorecard.com (GE)',
  },
  {
    country: 'BR',
    politicalStability: -0.41,
    governmentEffectiveness: -0.55,
    vintage: '2023',
    source: 'World Bank WGI via worldscorecard.com',
  },
  {
    country: 'CD',
    politicalStability: -2.12,
    governmentEffectiveness: -1.69,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'ZA',
    politicalStability: -0.62,
    governmentEffectiveness: -0.23,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'ZW',
    politicalStability: -1.02,
    governmentEffectiveness: -0.99,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'MZ',
    politicalStability: -1.76,
    governmentEffectiveness: -0.72,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'GA',
    politicalStability: -0.28,
    governmentEffectiveness: -0.57,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'MG',
    politicalStability: -0.48,
    governmentEffectiveness: -0.86,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
  {
    country: 'NG',
    politicalStability: -2.0,
    governmentEffectiveness: -1.01,
    vintage: '2024',
    source: 'World Bank WGI via africa-api.com',
  },
];
