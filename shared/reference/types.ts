/**
 * Shapes of the reference dataset. Every number carries its source and vintage beside it.
 * These files are data only: no logic, no I/O.
 */

/** A citation: who published the value, and the year the value describes (or the publication year). */
export interface Sourced {
  source: string;
  year: number;
}

export type Stage = 'mining' | 'processing';

/** One country's share of world supply of a mineral (or mineral group) at one stage. */
export interface ProductionShare extends Sourced {
  /** Mineral id or group id (e.g. `cobalt`, `rare_earths`, `heavy_rare_earths`). */
  mineral: string;
  stage: Stage;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Percent of world supply, 0–100. */
  sharePct: number;
  note?: string;
  /**
   * Set when no public source gives this mineral's shares and the row stands in with another, sourced series: what it
   * was taken from, in a buyer's words (e.g. `platinum mine output`). Drivers then say the share is a proxy.
   */
  proxyOf?: string;
}

/**
 * World Bank Worldwide Governance Indicators for one economy, estimate units (about -2.5 weak … +2.5 strong): all six
 * dimensions of one release; null = the WGI does not estimate that dimension for this economy.
 */
export interface Governance {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** The WGI's own economy code (ZAR for the DR Congo, ROM for Romania …). */
  wgiCode: string;
  /** Voice and Accountability (VA). */
  voiceAccountability: number | null;
  /** Political Stability and Absence of Violence/Terrorism (PV). */
  politicalStability: number | null;
  /** Government Effectiveness (GE). */
  governmentEffectiveness: number | null;
  /** Regulatory Quality (RQ). */
  regulatoryQuality: number | null;
  /** Rule of Law (RL). */
  ruleOfLaw: number | null;
  /** Control of Corruption (CC). */
  controlOfCorruption: number | null;
  /** The year the estimates describe, e.g. `2023`. */
  vintage: string;
  source: string;
}

/** Mineral vulnerability factors from the EU CRM assessment. */
export interface Vulnerability {
  mineral: string;
  /** Substitution index for supply risk (EU CRM SI_SR), 0–1, 1 = no substitute. Null = unknown. */
  substitutionIndex: number | null;
  /** End-of-life recycling input rate (EU CRM EoL-RIR), 0–1. Null = unknown. */
  eolRecyclingInputRate: number | null;
  source: string;
  year: number;
  note?: string;
}

export type MeasureKind = 'export_licensing' | 'export_quota' | 'export_ban' | 'suspension';

/** Who the measure applies to, seen from the buyer. */
export type DestinationScope =
  | { kind: 'all' }
  | { kind: 'country'; country: string }
  | { kind: 'country_military'; country: string }
  /**
   * Named companies, whatever their country (China's 2026-06-22 list): reaches a supplier that is one of them, or a
   * line whose declared processor is (shared/model/entities.ts).
   */
  | { kind: 'entities'; entities: string[] };

/**
 * Which flows through the measure's country a measure stops (docs/model.md 2.2):
 * - `all` (the default): every flow through the country, mined there or processed there;
 * - `mining`: the country's mine output (a production cap), whatever the line's processing country;
 * - `raw`: unprocessed ore and concentrate leaving the country: a line mined there and processed elsewhere, not metal
 *   refined in the same country;
 * - `processing`: the country's processed output (refined, separated, enriched): a line processed there.
 */
export type MeasureStage = 'all' | 'mining' | 'raw' | 'processing';

/** An export-control measure (or a suspension of measures) taken by a producing country. */
export interface PolicyEvent {
  id: string;
  /** The country imposing the measure (ISO alpha-2). */
  country: string;
  instrument: string;
  kind: MeasureKind;
  /** Mineral ids, group ids or product-category ids (see `productCategories`). */
  minerals: string[];
  announced: string;
  /** First day in force, YYYY-MM-DD. */
  effectiveFrom: string;
  /** Last day in force (inclusive), YYYY-MM-DD; null = open-ended. */
  effectiveUntil: string | null;
  destination: DestinationScope;
  /** The flows it stops; absent = `all`. */
  stage?: MeasureStage;
  /** For `suspension`: the ids of the measures it suspends. */
  suspends?: string[];
  notes?: string;
  source: string;
}

/**
 * A group of countries an agreement can name as one party (the EU signs for its member states). The reference loader
 * resolves an agreement of a group to one agreement per member, so the model only ever sees countries.
 */
export interface CountryGroup extends Sourced {
  /** Not an ISO 3166-1 alpha-2 code in use for a country (`EU` is exceptionally reserved for the Union). */
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2 codes. */
  members: string[];
}

/**
 * A critical-minerals cooperation agreement between a buyer's country and a partner (origin) country. Either party
 * may be a country group (`EU`): the agreement then holds for every member, as if each had signed it.
 */
export interface Agreement {
  id: string;
  /** ISO 3166-1 alpha-2, or a country group id (`EU`). */
  buyerCountry: string;
  /** ISO 3166-1 alpha-2, or a country group id (`EU`). */
  partnerCountry: string;
  title: string;
  /** Signed / in force from, YYYY-MM-DD. */
  effectiveFrom: string;
  /** Last day in force (inclusive); null = open-ended. */
  effectiveUntil: string | null;
  /** Mineral ids it covers; empty = all critical minerals. */
  minerals: string[];
  source: string;
}

/**
 * One agreement as the model reads it: between two countries. An agreement of a group appears once per member, each
 * copy with the declared agreement's id and, in `declaredAs`, the parties as declared (so the declared agreement can
 * be told apart, and rebuilt, from its copies).
 */
export interface ResolvedAgreement extends Agreement {
  declaredAs?: { buyerCountry: string; partnerCountry: string };
}

/**
 * An HS 2022 code mapping (shared/reference/data/hs-minerals.ts): codes → the minerals a purchase line under them
 * carries, with the source of the mapping. A purchase-ledger row expands into one line per mineral.
 */
export interface HsEntry {
  /** Stable id, stored with each expanded line (`inferredFrom.entry`). */
  id: string;
  /** HS 2022 headings (4 digits) or subheadings (6 digits), digits only. */
  codes: string[];
  /** The HS 2022 title, shortened. */
  title: string;
  /** Mineral or group ids of the catalogue. */
  minerals: string[];
  /** Typical content or presence, in words (shown in drivers; the score counts presence only). */
  content: string;
  source: string;
  year: number;
  /** How the source was read. */
  read: string;
  /** What the entry stands in for, when the code does not say it exactly. */
  proxy?: string;
  /** Waste and scrap: the expanded lines are recycled feed (docs/model.md 2.8). */
  recycled?: true;
  /** Product-category names a `product_category` cell may give for this entry (besides its id). */
  categories?: string[];
}

/** The tariff lines an export measure names (HS 2022, 4 or 6 digits), and where it names them. */
export interface MeasureTariffLine {
  measure: string;
  codes: string[];
  source: string;
}
