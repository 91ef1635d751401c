/**
 * Critical-minerals cooperation agreements, frameworks and MOUs between a buyer's country and a partner country.
 * effectiveFrom = signing date (the instruments below take effect on signature or are non-binding frameworks),
 * effectiveUntil = null where no end date was found. minerals: [] = all critical minerals.
 *
 * Sources (each entry names its own): White House statements and fact sheets (2023-05-20, 2025-10-20,
 * 2025-10-26, 2025-10-28); USTR press release 2023-03-28; US State Dept media notes and fact sheets (2019-12/2020-01,
 * 2023 Mongolia MOU, 2025-12-04 Washington Accords instruments, 2026-02-04 Critical Minerals Ministerial);
 * Natural Resources Canada news release 2020-01-09; US Treasury 2025-04-30; partner-government statements
 * (Akorda/Kazinform, Saudi Ministry of Energy / SPA, Thai Ministry of Industry, Uzbek MFA and Ministry of Geology);
 * trade press where noted (S&P Global, The Star, Nation Thailand, Asharq Al-Awsat, Gazeta.uz).
 *
 * Not included: multilateral instruments (Minerals Security Partnership / FORGE, G7 Critical Minerals Action Plan,
 * C5+1 Critical Minerals Dialogue) and the EU's strategic raw-materials partnerships (Canada, Ukraine, Kazakhstan,
 * Namibia, Argentina, Chile, Zambia, DRC, Greenland, Rwanda, Norway, Uzbekistan, Australia, Serbia, ...): the EU is
 * not a country and their dates were not verified here. Company-level offtake deals are not agreements either.
 */
import type { Agreement } from '../types.ts';

/** The 2026 Critical Minerals Ministerial (Washington, 2026-02-04): the US signed 11 bilateral frameworks/MOUs. */
const MINISTERIAL_2026 =
  'US State Dept fact sheet "2026 Critical Minerals Ministerial" 2026-02-04 (reported by S&P Global 2026-02-05)';

export const agreements: Agreement[] = [
  {
    id: 'US-CA-2020-01',
    buyerCountry: 'US',
    partnerCountry: 'CA',
    title: 'Canada–U.S. Joint Action Plan on Critical Minerals Collaboration',
    effectiveFrom: '2020-01-09',
    effectiveUntil: null,
    minerals: [],
    source:
      'Natural Resources Canada news release 2020-01-09 (announced; US State Dept: plan finalized in December 2019)',
  },
  {
    id: 'US-JP-2023-03',
    buyerCountry: 'US',
    partnerCountry: 'JP',
    title:
      'Agreement Between the Government of Japan and the Government of the United States of America on Strengthening Critical Minerals Supply Chains',
    effectiveFrom: '2023-03-28',
    effectiveUntil: null,
    minerals: ['cobalt', 'graphite', 'lithium', 'manganese', 'nickel'],
    source:
      'USTR press release 2023-03-28 (in force on signature); covered minerals per IEA policy database entry (updated 2024-05-28) and Jiji Press 2023-03-28',
  },
  {
    id: 'US-AU-2023-05',
    buyerCountry: 'US',
    partnerCountry: 'AU',
    title: 'Australia–United States Climate, Critical Minerals and Clean Energy Transformation Compact',
    effectiveFrom: '2023-05-20',
    effectiveUntil: null,
    minerals: [],
    source: 'White House statement 2023-05-20',
  },
  {
    id: 'US-MN-2023-06',
    buyerCountry: 'US',
    partnerCountry: 'MN',
    title:
      'U.S.–Mongolia Memorandum of Understanding concerning cooperation on Mineral Resource Sector Development and Governance',
    effectiveFrom: '2023-06-27',
    effectiveUntil: null,
    minerals: [],
    source:
      'US State Dept media note "United States – Mongolia Memorandum of Understanding on Mineral Resources" (2023-08; signed 2023-06-27 in Ulaanbaatar)',
  },
  {
    id: 'US-UZ-2024-09',
    buyerCountry: 'US',
    partnerCountry: 'UZ',
    title: 'U.S.–Uzbekistan Memorandum of Understanding on Critical Minerals',
    effectiveFrom: '2024-09-16',
    effectiveUntil: null,
    minerals: [],
    source:
      'US Embassy Tashkent press release via Gazeta.uz 2024-09-18; Uzbek Ministry of Geology via Kun.uz 2024-09-17',
  },
  {
    id: 'US-UA-2025-04',
    buyerCountry: 'US',
    partnerCountry: 'UA',
    title:
      'Agreement between the Government of Ukraine and the Government of the United States of America on the Establishment of a United States-Ukraine Reconstruction Investment Fund',
    effectiveFrom: '2025-04-30',
    effectiveUntil: null,
    minerals: [],
    source:
      'US Treasury press release 2025-04-30 (signing date; ratified by Ukraine in May 2025); text published by the Cabinet of Ministers of Ukraine',
  },
  {
    id: 'US-SA-2025-05',
    buyerCountry: 'US',
    partnerCountry: 'SA',
    title:
      'Memorandum of Cooperation in mining and mineral resources between the Saudi Ministry of Industry and Mineral Resources and the U.S. Department of Energy',
    effectiveFrom: '2025-05-13',
    effectiveUntil: null,
    minerals: [],
    source:
      'Saudi Ministry of Industry and Mineral Resources via Saudi Gazette 2025-08-27 ("signed in May 2025 on the sidelines of the Saudi-U.S. Investment Forum in Riyadh"); day taken from the Riyadh summit/forum date 2025-05-13 (Okaz), not stated explicitly',
  },
  {
    id: 'US-AU-2025-10',
    buyerCountry: 'US',
    partnerCountry: 'AU',
    title:
      'United States–Australia Framework for Securing of Supply in the Mining and Processing of Critical Minerals and Rare Earths',
    effectiveFrom: '2025-10-20',
    effectiveUntil: null,
    minerals: [],
    source: 'White House 2025-10-20 (framework text); Herbert Smith Freehills Kramer 2025-10-22',
  },
  {
    id: 'US-MY-2025-10',
    buyerCountry: 'US',
    partnerCountry: 'MY',
    title:
      'MOU between the Government of the United States of America and the Government of Malaysia Concerning Cooperation to Diversify Global Critical Minerals Supply Chains and Promote Investments',
    effectiveFrom: '2025-10-26',
    effectiveUntil: null,
    minerals: [],
    source: 'White House 2025-10-26 (MOU text, signed in Kuala Lumpur); The Star 2025-10-26',
  },
  {
    id: 'US-TH-2025-10',
    buyerCountry: 'US',
    partnerCountry: 'TH',
    title:
      'MOU between the Government of the United States of America and the Government of the Kingdom of Thailand Concerning Cooperation to Diversify Global Critical Minerals Supply Chains and Promote Investments',
    effectiveFrom: '2025-10-26',
    effectiveUntil: null,
    minerals: [],
    source: 'Thai Ministry of Industry via Nation Thailand 2025-10-27 (signed 2025-10-26 in Kuala Lumpur)',
  },
  {
    id: 'US-JP-2025-10',
    buyerCountry: 'US',
    partnerCountry: 'JP',
    title:
      'United States–Japan Framework for Securing the Supply of Critical Minerals and Rare Earths through Mining and Processing',
    effectiveFrom: '2025-10-28',
    effectiveUntil: null,
    minerals: [],
    source: 'White House statement 2025-10-28 (signed in Tokyo by President Trump and Prime Minister Takaichi)',
  },
  {
    id: 'US-KZ-2025-11',
    buyerCountry: 'US',
    partnerCountry: 'KZ',
    title: 'Kazakhstan–U.S. Memorandum of Understanding on cooperation in the field of critical minerals',
    effectiveFrom: '2025-11-06',
    effectiveUntil: null,
    minerals: [],
    source:
      'Akorda (Kazakh presidency) via Kazinform 2025-11-06; Astana Times 2025-11-06 (signed by Lutnick and Nagaspayev)',
  },
  {
    id: 'US-SA-2025-11',
    buyerCountry: 'US',
    partnerCountry: 'SA',
    title:
      'Strategic Framework for Cooperation on securing supply chains for uranium, metals, permanent magnets and critical minerals',
    effectiveFrom: '2025-11-18',
    effectiveUntil: null,
    minerals: [],
    source:
      "Saudi Ministry of Energy via Asharq Al-Awsat and Zawya/SPA 2025-11-19 (signed during the Crown Prince's White House visit of Tuesday 2025-11-18; exact day not stated in the statement)",
  },
  {
    id: 'US-CD-2025-12',
    buyerCountry: 'US',
    partnerCountry: 'CD',
    title: 'Strategic Partnership Agreement between the United States and the Democratic Republic of the Congo',
    effectiveFrom: '2025-12-04',
    effectiveUntil: null,
    minerals: [],
    source: 'US State Dept, Washington Accords instruments signed 2025-12-04 (Egmont Institute 2025-12-09)',
  },
  {
    id: 'US-RW-2025-12',
    buyerCountry: 'US',
    partnerCountry: 'RW',
    title: 'U.S.–Rwanda Framework for Shared Economic Prosperity',
    effectiveFrom: '2025-12-04',
    effectiveUntil: null,
    minerals: [],
    source:
      "US State Dept, Washington Accords instruments signed 2025-12-04; critical-minerals scope per President Trump's remarks (Fox News 2025-12-04)",
  },
  {
    id: 'US-AR-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'AR',
    title: 'U.S.–Argentina bilateral critical minerals framework (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-CK-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'CK',
    title: 'U.S.–Cook Islands bilateral critical minerals framework or MOU (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-EC-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'EC',
    title: 'U.S.–Ecuador bilateral critical minerals framework (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-GN-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'GN',
    title: 'U.S.–Guinea bilateral critical minerals framework or MOU (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-MA-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'MA',
    title: 'U.S.–Morocco bilateral critical minerals framework or MOU (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-PY-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'PY',
    title: 'U.S.–Paraguay bilateral critical minerals framework (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-PE-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'PE',
    title: 'U.S.–Peru bilateral critical minerals framework (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-PH-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'PH',
    title: 'U.S.–Philippines bilateral critical minerals framework or MOU (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-AE-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'AE',
    title:
      'U.S.–United Arab Emirates bilateral critical minerals framework or MOU (2026 Critical Minerals Ministerial)',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: MINISTERIAL_2026,
  },
  {
    id: 'US-UZ-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'UZ',
    title:
      'MOU between the Governments of Uzbekistan and the United States for securing supply in the mining and processing of critical minerals and rare earths',
    effectiveFrom: '2026-02-04',
    effectiveUntil: null,
    minerals: [],
    source: `${MINISTERIAL_2026}; Uzbek Foreign Minister Saidov (via Trend/MENAFN) and Gazeta.kg: signed with Deputy Secretary Landau on 2026-02-04`,
  },
  {
    id: 'US-GB-2026-02',
    buyerCountry: 'US',
    partnerCountry: 'GB',
    title:
      'U.K.–U.S. Memorandum of Understanding on the supply of critical minerals and rare earths (mining, separation and processing)',
    effectiveFrom: '2026-02-05',
    effectiveUntil: null,
    minerals: [],
    source: 'S&P Global 2026-02-05 ("The UK also signed an MOU on Feb. 5 with the US")',
  },
];
