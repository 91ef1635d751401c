/**
 * Critical-minerals cooperation agreements, frameworks and MOUs between a buyer's country and a partner country.
 * effectiveFrom = signing date (the instruments below take effect on signature or are non-binding frameworks),
 * effectiveUntil = null where no end date was found. minerals: [] = all critical minerals.
 *
 * The model reads an agreement one way: it lowers the partner's risk for buyers in the buyer country. A bilateral
 * instrument that serves both sides' buyers is entered once per direction (Japan–US 2023 and 2025: `US-JP-…` and
 * `JP-US-…`). A party may be a country group (`EU`, data/country-groups.ts): the EU's strategic partnerships on raw
 * materials are signed by the Commission for the Union, so they hold for a buyer in any member state.
 *
 * Sources (each entry names its own): White House statements and fact sheets (2023-05-20, 2025-10-20,
 * 2025-10-26, 2025-10-28); USTR press release 2023-03-28; US State Dept media notes and fact sheets (2019-12/2020-01,
 * 2023 Mongolia MOU, 2025-12-04 Washington Accords instruments, 2026-02-04 Critical Minerals Ministerial);
 * Natural Resources Canada news release 2020-01-09; US Treasury 2025-04-30; partner-government statements
 * (Akorda/Kazinform, Saudi Ministry of Energy / SPA, Thai Ministry of Industry, Uzbek MFA and Ministry of Geology);
 * European Commission press releases and news articles (DG GROW, DG INTPA, EU Delegations) for the EU partnerships,
 * with the partner's government or the trade press beside them; Japan's Prime Minister's Office (Kantei) for the
 * Japan–Australia partnership text; trade press where noted (S&P Global, Reuters, Jiji Press, The Star, Nation
 * Thailand, Asharq Al-Awsat, Gazeta.uz).
 *
 * Not included: multilateral instruments (Minerals Security Partnership / FORGE, G7 Critical Minerals Action Plan,
 * C5+1 Critical Minerals Dialogue, the Lobito Corridor MOU), agency-level work plans without a government party
 * (JOGMEC's 2023 scope-of-work documents with Namibia and the DR Congo), joint statements that launch no instrument
 * (EU–Japan Competitiveness Alliance 2025), and company-level offtake deals.
 *
 * Direction (decided in issue 11, docs/model.md section 4): an instrument reaches both parties only where its text
 * commits both sides' supply chains (US–Japan 2023 and 2025, Commission–JOGMEC, US–Canada 2020, US–Australia 2025,
 * UK–US 2026, Canada–Korea 2023); an instrument that secures one side's access to the other's resources (investment in
 * the partner's mines, offtake, the US–Ukraine fund, the EU's partnerships with producing countries, Korea–Australia,
 * India–Australia, UK–Kazakhstan, UK–Saudi Arabia) reaches that buyer only. The EU's partnerships stay one way: the
 * Commission signs them to secure the Union's supply, and a partner's buyers sourcing from a member state are not
 * their object.
 */
import type { Agreement } from '../types.ts';

/** The EU's strategic partnerships on raw materials: signed by the Commission for the Union, all raw materials. */
const EU_PARTNERSHIP = (partnerCountry: string, effectiveFrom: string, title: string, source: string): Agreement => ({
  id: `EU-${partnerCountry}-${effectiveFrom.slice(0, 7)}`,
  buyerCountry: 'EU',
  partnerCountry,
  title,
  effectiveFrom,
  effectiveUntil: null,
  minerals: [],
  source,
});

/** The 2026 Critical Minerals Ministerial (Washington, 2026-02-04): the US signed 11 bilateral frameworks/MOUs. */
const MINISTERIAL_2026 =
  'US State Dept fact sheet "2026 Critical Minerals Ministerial" 2026-02-04 (reported by S&P Global 2026-02-05)';

/** The Canada–Korea MoU of 2023-05-17: mutual, so entered in both directions under one title. */
const CA_KR_MOU_2023 =
  'Memorandum of Understanding between Natural Resources Canada, Innovation, Science and Economic Development Canada and the Ministry of Trade, Industry and Energy of Korea on Cooperation in Critical Mineral Supply Chains, the Clean Energy Transition and Energy Security';

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

  // Other buyers (issue 11): the UK, Korea, India, Canada and Australia. Direction as the header says: a row per buyer
  // whose supply the instrument secures; both directions only where its text commits both sides' supply chains.
  {
    id: 'KR-AU-2021-12',
    buyerCountry: 'KR',
    partnerCountry: 'AU',
    title:
      'Memorandum of Understanding between Australia and the Republic of Korea on Cooperation in Critical Mineral Supply Chains',
    effectiveFrom: '2021-12-14',
    effectiveUntil: null,
    minerals: [],
    source:
      "Australian Minister for Resources Keith Pitt, media release as relayed by Mirage News (https://www.miragenews.com/australia-republic-of-korea-to-work-closer-on-692588/): signed with Korea's Minister of Trade, Industry and Energy Moon Sung-wook during President Moon's state visit, \"Korean investment in Australian critical minerals projects … while the Republic of Korea will secure a reliable supply\"; MQ World 2021-12-14 (https://mqworld.com/2021/12/14/australia-work-korea-critical-minerals/). The day of signing is not stated in the sources read: the date of the earliest dated report is used, so relief never starts before the instrument. One way: it secures Korea's supply from Australia",
  },
  {
    id: 'IN-AU-2022-03',
    buyerCountry: 'IN',
    partnerCountry: 'AU',
    title: 'Australia–India Critical Minerals Investment Partnership',
    effectiveFrom: '2022-03-11',
    effectiveUntil: null,
    minerals: [],
    source:
      'Australian Minister for Resources Keith Pitt, statement via ANI 2022-03-11 (https://www.aninews.in/news/world/others/australia-announces-critical-minerals-investment-partnership-with-india20220311131613/): three-year partnership "to support further Indian investment in Australian critical minerals projects"; it follows the government-to-government MoU of June 2020 and the KABIL–Critical Minerals Facilitation Office MoU of March 2022 on lithium and cobalt assets (Australian Mining 2022-03-30, https://www.australianmining.com.au/news/india-signs-mou-for-lithium-and-cobalt/). One way: Indian investment in Australian supply',
  },
  {
    id: 'GB-KZ-2023-03',
    buyerCountry: 'GB',
    partnerCountry: 'KZ',
    title: 'UK–Kazakhstan Memorandum of Understanding on a strategic partnership in critical minerals',
    effectiveFrom: '2023-03-31',
    effectiveUntil: null,
    minerals: [],
    source:
      'The Astana Times 2024-03-12 (https://astanatimes.com/2024/03/kazakhstan-uk-sign-roadmap-on-critical-minerals/): the MoU "concluded during the visit of British Foreign Secretary James Cleverly to Astana in March 2023", followed by a roadmap signed in London in March 2024 and a roadmap to 2027 (Trend 2026-02-26, https://www.trend.az/casia/kazakhstan/4157919.html). The day in March 2023 is not stated in the sources read: the last day of the month is used, so relief never starts before the instrument. One way: British investment in Kazakh supply',
  },
  {
    id: 'KR-CA-2023-05',
    buyerCountry: 'KR',
    partnerCountry: 'CA',
    title: CA_KR_MOU_2023,
    effectiveFrom: '2023-05-17',
    effectiveUntil: null,
    minerals: [],
    source:
      'MoU text, Global Affairs Canada page country_news-pays_nouvelles/2023-05-16-korea-coree.aspx (read as mirrored at http://ppeniagara.com/country_news-pays_nouvelles/2023-05-16-korea-coree.aspx?lang=eng): purpose "secure, resilient, and mutually beneficial critical mineral supply and value chains"; signed in Seoul at the Trudeau–Yoon summit, Reuters 2023-05-17 (https://republicofmining.com/2023/05/17/south-korea-canada-agree-to-step-up-cooperation-on-critical-minerals-security-by-hyonhee-shin-and-ju-min-park-reuters-may-17-2023/); KBS 2023-05-17. Mutual: entered both ways (CA-KR-2023-05)',
  },
  {
    id: 'CA-KR-2023-05',
    buyerCountry: 'CA',
    partnerCountry: 'KR',
    title: CA_KR_MOU_2023,
    effectiveFrom: '2023-05-17',
    effectiveUntil: null,
    minerals: [],
    source:
      'As KR-CA-2023-05, seen from Canada: the MoU commits both participants to "mutually beneficial critical mineral supply and value chains" (Global Affairs Canada, MoU text; Reuters 2023-05-17)',
  },
  {
    id: 'GB-SA-2025-01',
    buyerCountry: 'GB',
    partnerCountry: 'SA',
    title: 'UK–Saudi Arabia minerals cooperation partnership (Memorandum of Understanding on critical minerals)',
    effectiveFrom: '2025-01-14',
    effectiveUntil: null,
    minerals: [],
    source:
      'UK Government announcement 2025-01-14 via Reuters and The National (https://thenationalnews.com/business/2025/01/14/uk-to-sign-critical-minerals-partnership-with-saudi-arabia): to be signed by Industry Minister Sarah Jones at the Future Minerals Forum, Riyadh; Arab News (node 2586522, as relayed at http://value-cii.com/node/2586522/business-economy): "On Jan. 14, the two nations signed an agreement". One way: it secures British supply and Saudi investment in the UK',
  },
  // The other direction of US instruments whose text secures both parties' supply (as US-JP/JP-US above).
  {
    id: 'CA-US-2020-01',
    buyerCountry: 'CA',
    partnerCountry: 'US',
    title: 'Canada–U.S. Joint Action Plan on Critical Minerals Collaboration',
    effectiveFrom: '2020-01-09',
    effectiveUntil: null,
    minerals: [],
    source:
      'As US-CA-2020-01, seen from Canada: Natural Resources Canada news release 2020-01-09 (http://www.canada.ca/en/natural-resources-canada/news/2020/01/canada-and-us-finalize-joint-action-plan-on-critical-minerals-collaboration.html): "advancing our mutual interest in securing supply chains for the critical minerals needed for important manufacturing sectors"; US State Dept (https://www.state.gov/united-states-and-canada-finalize-action-plan-on-critical-minerals-cooperation/): minerals "essential to U.S. and Canadian security"',
  },
  {
    id: 'AU-US-2025-10',
    buyerCountry: 'AU',
    partnerCountry: 'US',
    title:
      'United States–Australia Framework for Securing of Supply in the Mining and Processing of Critical Minerals and Rare Earths',
    effectiveFrom: '2025-10-20',
    effectiveUntil: null,
    minerals: [],
    source:
      'As US-AU-2025-10, seen from Australia: framework text of 2025-10-20 as republished (https://americanfocus.online/united-states-australia-framework-for-securing-of-supply-in-the-mining-and-processing-of-critical-minerals-and-rare-earths): the Participants "aim to bolster the supply of vital raw and processed critical minerals and rare earths essential for the defense and commercial sectors of both nations", "a mutual policy framework"; HFW (https://www.hfw.com/insights/australia-and-the-us-sign-framework-for-securing-of-supply-in-the-mining-and-processing-of-critical-minerals-and-rare-earths): financing for projects in each country',
  },
  {
    id: 'GB-US-2026-02',
    buyerCountry: 'GB',
    partnerCountry: 'US',
    title:
      'U.K.–U.S. Memorandum of Understanding on the supply of critical minerals and rare earths (mining, separation and processing)',
    effectiveFrom: '2026-02-05',
    effectiveUntil: null,
    minerals: [],
    source:
      'As US-GB-2026-02, seen from the UK: UK Department for Business and Trade statement via Qazinform 2026-02-05 (https://qazinform.com/news/us-and-uk-ink-landmark-partnership-deal-on-critical-minerals-24117f): "help secure critical minerals needed in key sectors … both in the UK and the US"',
  },

  // Japan as buyer: the Japan–US instruments above, seen from Japan, and Japan's own partnerships.
  {
    id: 'JP-US-2023-03',
    buyerCountry: 'JP',
    partnerCountry: 'US',
    title:
      'Agreement Between the Government of Japan and the Government of the United States of America on Strengthening Critical Minerals Supply Chains',
    effectiveFrom: '2023-03-28',
    effectiveUntil: null,
    minerals: ['cobalt', 'graphite', 'lithium', 'manganese', 'nickel'],
    source:
      'USTR press release 2023-03-28 (in force on signature; each side commits not to impose export duties on the covered minerals to the other); covered minerals per IEA policy database entry (updated 2024-05-28) and Jiji Press 2023-03-28',
  },
  {
    id: 'JP-AU-2022-10',
    buyerCountry: 'JP',
    partnerCountry: 'AU',
    title:
      "Partnership between Japan's Ministry of Economy, Trade and Industry and Australia's Department of Industry, Science and Resources and Department of Foreign Affairs and Trade Concerning Critical Minerals",
    effectiveFrom: '2022-10-22',
    effectiveUntil: null,
    minerals: [],
    source:
      "Prime Minister's Office of Japan (Kantei), partnership text dated 2022-10-22 (signed in Perth during Prime Minister Kishida's visit); Argus 2022-10-22",
  },
  {
    id: 'JP-EU-2023-07',
    buyerCountry: 'JP',
    partnerCountry: 'EU',
    title:
      'Administrative Arrangement between the European Commission and the Japan Organization for Metals and Energy Security (JOGMEC) on cooperation in critical raw materials supply chains',
    effectiveFrom: '2023-07-06',
    effectiveUntil: null,
    minerals: [],
    source:
      'European Commission press release on the EU–Japan summit 2023-07-13 ("signing of the Administrative Arrangement between the Commission and JOGMEC on 6 July"); Yomiuri Shimbun 2023-07-06',
  },
  {
    id: 'JP-CA-2023-09',
    buyerCountry: 'JP',
    partnerCountry: 'CA',
    title: 'Japan–Canada Memorandum of Cooperation on battery supply chains (METI and Natural Resources Canada)',
    effectiveFrom: '2023-09-21',
    effectiveUntil: null,
    minerals: ['lithium', 'nickel', 'cobalt', 'graphite', 'manganese'],
    source:
      'Government of Canada statement via Reuters 2023-09-21 (signed in Ottawa by Minister Wilkinson and METI Minister Nishimura); Jiji Press 2023-09-21 ("lithium and other minerals necessary for batteries"); the minerals listed are the battery minerals of the Japan–US agreement, the statement names lithium only',
  },
  {
    id: 'JP-US-2025-10',
    buyerCountry: 'JP',
    partnerCountry: 'US',
    title:
      'United States–Japan Framework for Securing the Supply of Critical Minerals and Rare Earths through Mining and Processing',
    effectiveFrom: '2025-10-28',
    effectiveUntil: null,
    minerals: [],
    source: 'White House statement 2025-10-28 (signed in Tokyo by President Trump and Prime Minister Takaichi)',
  },
  // The EU's strategic partnerships on raw materials, in the order signed.
  EU_PARTNERSHIP(
    'CA',
    '2021-06-15',
    'EU–Canada Strategic Partnership on Raw Materials',
    'European Commission press release 2021-06-21 "EU and Canada set up a strategic partnership on raw materials"; endorsed at the EU–Canada summit of 2021-06-14/15 (CETA Bilateral Dialogue on Raw Materials joint report, Global Affairs Canada 2021-07-15: "political endorsement at the EU-Canada Summit, on June 14-15, 2021"; announced 2021-06-15)',
  ),
  EU_PARTNERSHIP(
    'UA',
    '2021-07-13',
    'Memorandum of Understanding on a Strategic Partnership on Critical Raw Materials and Batteries between the EU and Ukraine',
    'Keynote speech of Commission Vice-President Šefčovič, Kyiv 2021-07-13; European Economic and Social Committee 2021-07-14 ("signed on 13 July" by Šefčovič and Prime Minister Shmyhal); Interfax-Ukraine 2021-07-13',
  ),
  EU_PARTNERSHIP(
    'KZ',
    '2022-11-07',
    'Memorandum of Understanding on a strategic partnership in sustainable raw materials, batteries and renewable hydrogen value chains between the EU and Kazakhstan',
    'European Commission press release "COP27: European Union concludes a strategic partnership with Kazakhstan on raw materials, batteries and renewable hydrogen", as relayed by Wired-Gov 2022-11-08 ("yesterday signed" by President von der Leyen and Prime Minister Smailov); Azernews 2023-05-22 and EIAS: signed 2022-11-07',
  ),
  EU_PARTNERSHIP(
    'NA',
    '2022-11-08',
    'Memorandum of Understanding on a strategic partnership on sustainable raw materials value chains and renewable hydrogen between the EU and Namibia',
    'European Commission, DG GROW news article 2022-11-08 "Partnership on sustainable raw materials value chains and renewable hydrogen between the EU and Namibia" ("On 8 November, in the margins of COP-27 … signed")',
  ),
  EU_PARTNERSHIP(
    'AR',
    '2023-06-13',
    'Memorandum of Understanding establishing a partnership between the EU and Argentina on sustainable raw materials value chains',
    'European Commission press release, Brussels 2023-06-13 ("Today, in Buenos Aires … signed"); Reuters 2023-06-13',
  ),
  EU_PARTNERSHIP(
    'CL',
    '2023-07-18',
    'Memorandum of Understanding on a partnership between the EU and Chile on sustainable raw materials value chains',
    'European Commission press release "Global Gateway: EU and Chile strengthen cooperation on sustainable critical raw materials supply chains" (EU–CELAC summit, Brussels, 17–18 July; Commissioner Breton and Foreign Minister van Klaveren); EFE via CNN Chile 2023-07-18 ("este martes"); Marca Chile: "mardi (18 juillet 2023)"',
  ),
  EU_PARTNERSHIP(
    'CD',
    '2023-10-26',
    'Memorandum of Understanding for a partnership on critical and strategic raw materials value chains between the EU and the Democratic Republic of the Congo',
    'European Commission press release 2023-10-26 "Global Gateway: EU signs strategic partnerships on critical raw materials value chains with DRC and Zambia" (Global Gateway Forum, Brussels)',
  ),
  EU_PARTNERSHIP(
    'ZM',
    '2023-10-26',
    'Memorandum of Understanding on a strategic partnership on sustainable raw materials value chains between the EU and Zambia',
    'European Commission press release 2023-10-26 "Global Gateway: EU signs strategic partnerships on critical raw materials value chains with DRC and Zambia" (Global Gateway Forum, Brussels)',
  ),
  EU_PARTNERSHIP(
    'GL',
    '2023-11-30',
    'Memorandum of Understanding on a strategic partnership on sustainable raw materials value chains between the EU and Greenland',
    'European Commission press release "EU and Greenland sign strategic partnership on sustainable raw materials value chains" (signed in Brussels by Executive Vice-President Šefčovič and Minister Nathanielsen); Naalakkersuisut (Government of Greenland) news 2023-12; Eunews 2025-01-08: "Signed on November 30, 2023"',
  ),
  EU_PARTNERSHIP(
    'RW',
    '2024-02-19',
    'Memorandum of Understanding on sustainable raw materials value chains between the EU and Rwanda',
    'European Commission press release "EU and Rwanda sign a Memorandum of Understanding on Sustainable Raw Materials Value Chains", as relayed by the European Business Council for Africa ("On February 19 2024", Commissioner Urpilainen and Foreign Minister Biruta); Commissioner Urpilainen on X 2024-02-19',
  ),
  EU_PARTNERSHIP(
    'NO',
    '2024-03-21',
    'Memorandum of Understanding on a strategic partnership on sustainable land-based raw materials and battery value chains between the EU and Norway',
    'European Commission press release "EU and Norway sign strategic partnership on sustainable land-based raw materials and battery value chains" (Executive Vice-President Šefčovič and Minister Vestre), undated as relayed; rawmaterials.net 2024-03-22: signed "on Thursday", i.e. 2024-03-21 (the day is taken from that report); electrive 2024-03-25',
  ),
  EU_PARTNERSHIP(
    'UZ',
    '2024-04-05',
    'Memorandum of Understanding on a strategic partnership on critical raw materials between the EU and Uzbekistan',
    'Delegation of the EU to Uzbekistan press release 2024-04-05 (signed by Executive Vice-President Dombrovskis and Minister Kudratov); bne IntelliNews 2024-04-08; AHK Central Asia: "Am 5. April 2024 unterzeichneten"',
  ),
  EU_PARTNERSHIP(
    'AU',
    '2024-05-28',
    'Memorandum of Understanding between the European Union and Australia on a Strategic Partnership on Sustainable Critical and Strategic Minerals',
    'Australian Department of Industry, Science and Resources, MoU text (industry.gov.au); European Commission press release ("signed today" by Dombrovskis, Breton and Ministers King and Farrell), as relayed by Mirage News; dpa-AFX 2024-05 ("on Tuesday"); CMS Law-Now 2024-06: "on 28 May 2024 signed"',
  ),
  EU_PARTNERSHIP(
    'RS',
    '2024-07-19',
    'Memorandum of Understanding on a strategic partnership on sustainable raw materials, battery value chains and electric vehicles between the EU and Serbia',
    'European Commission press release on the High-Level Summit on critical raw materials, Belgrade, as relayed by European Interest ("signed on July 19" by Executive Vice-President Šefčovič and Minister Đedović Handanović); Reuters via Swissinfo 2024-07 ("agreed on Friday"); EIZ Publishing: "am 19. Juli 2024 … unterzeichnet"',
  ),
  {
    id: 'EU-JP-2023-07',
    buyerCountry: 'EU',
    partnerCountry: 'JP',
    title:
      'Administrative Arrangement between the European Commission and the Japan Organization for Metals and Energy Security (JOGMEC) on cooperation in critical raw materials supply chains',
    effectiveFrom: '2023-07-06',
    effectiveUntil: null,
    minerals: [],
    source:
      'European Commission press release on the EU–Japan summit 2023-07-13 ("signing of the Administrative Arrangement between the Commission and JOGMEC on 6 July"); Yomiuri Shimbun 2023-07-06',
  },
];
