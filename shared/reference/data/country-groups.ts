/**
 * Country groups an agreement may name as a party instead of one country. The EU signs its strategic partnerships on
 * raw materials for all its member states, so an agreement with `buyerCountry: 'EU'` applies to a buyer in any of
 * them: the reference loader resolves it to one agreement per member (shared/reference/index.ts).
 *
 * Membership is the current one and is not dated: it has not changed since the United Kingdom left on 2020-01-31,
 * before the first agreement a group signs here (EU–Canada, 2021-06-15).
 */
import type { CountryGroup } from '../types.ts';

export const countryGroups: CountryGroup[] = [
  {
    id: 'EU',
    name: 'European Union',
    // ISO 3166-1 alpha-2 (Eurostat writes Greece `EL`; ISO `GR`).
    members: [
      'AT',
      'BE',
      'BG',
      'HR',
      'CY',
      'CZ',
      'DK',
      'EE',
      'FI',
      'FR',
      'DE',
      'GR',
      'HU',
      'IE',
      'IT',
      'LV',
      'LT',
      'LU',
      'MT',
      'NL',
      'PL',
      'PT',
      'RO',
      'SK',
      'SI',
      'ES',
      'SE',
    ],
    source:
      'Eurostat Statistics Explained, Glossary: European Union (EU) — the 27 Member States since the United Kingdom left on 2020-01-31',
    year: 2020,
  },
];
