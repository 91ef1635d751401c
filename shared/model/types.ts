import type { Stage } from '../reference/types.ts';

/** One sourcing line of a supplier: a share of one mineral drawn from one origin (and processed in one country). */
export interface Exposure {
  /** Mineral or group id, normalised (e.g. `dysprosium`, `rare_earths`). */
  mineral: string;
  /** ISO alpha-2 of the mine origin; null = unknown (the world mining mix is assumed, as for undeclared shares). */
  originCountry: string | null;
  /** ISO alpha-2 of the refining/processing country; null = unknown (the world processing mix is assumed). */
  processingCountry: string | null;
  /** Fraction 0–1 of the supplier's supply of this mineral; null = not stated (shares the undeclared remainder). */
  share: number | null;
  /**
   * The company that processes (smelts, refines) this line for the supplier, by name, if declared: matched against
   * entity-level measures (shared/model/entities.ts), as the supplier's own name is. Absent or null = not declared.
   */
  processor?: string | null;
  /**
   * Fed by end-of-life scrap (`origin_country` `recycled` or `scrap`): no mine origin (originCountry is null), so no
   * mining stage; only the processing stage is scored (docs/model.md 2.8). Absent = primary material.
   */
  recycled?: true;
  /** Where the line came from when its row gave an HS code or product category instead of a mineral. */
  inferredFrom?: InferredFrom;
}

/** The code a purchase line gave and the mapping entry that expanded it (shared/reference/data/hs-minerals.ts). */
export interface InferredFrom {
  kind: 'hs' | 'category';
  /** HS code as `8505.11` or `8541`, or the product category as the entry's id. */
  code: string;
  /** Id of the mapping entry (its title, minerals and source are looked up by it). */
  entry: string;
}

export interface SupplierInput {
  supplierId: string;
  supplierName: string | null;
  supplierCountry: string | null;
  annualSpendUsd: number | null;
  tier: number | null;
  /** Qualified alternative sources the supplier declares (default 0). */
  alternativeSources: number;
  /** Inventory days of cover the supplier declares (default 0). */
  inventoryDays: number;
  exposures: Exposure[];
}

export type EndUse = 'civil' | 'military';

/** Whose risk, when: every score is computed as of a date, for a buyer in a country. */
export interface ScoringContext {
  /** YYYY-MM-DD. */
  asOf: string;
  /** ISO alpha-2 of the buying manufacturer (some measures target one destination only). */
  buyerCountry: string;
  endUse: EndUse;
}

export type Band = 'low' | 'medium' | 'high' | 'critical';

export type MeasureState = 'active' | 'suspended' | 'announced';

/** A measure bearing on a flow as of the date. Ids refer to `ReferenceData.policyEvents` (kept lean: stored per line). */
export interface MeasureInForce {
  id: string;
  kind: string;
  state: MeasureState;
  /** The suspension that holds it, when state = suspended. */
  suspendedBy?: string;
  /** The suspension that held it and has lapsed by the as-of date. */
  lapsedSuspension?: string;
  /** For an entity-level measure: the listed entity this supplier or its line's processor was matched to. */
  entity?: string;
  /** The flows it stops, when not every flow through its country (`PolicyEvent.stage`). */
  stage?: 'mining' | 'raw' | 'processing';
  /**
   * For a `raw` measure on a line whose processing country is unknown: the part of the flow it stops (0–1), the
   * world's processing outside the measure's country. Absent when the processing country is declared.
   */
  flowShare?: number;
}

export interface StageRisk {
  stage: Stage;
  /** ISO alpha-2, or `WORLD` for the world mix (unknown origin or processing country, or the undeclared share). */
  country: string;
  /** 0–1. */
  risk: number;
  /** Country's share of world supply at this stage (0–1); null when unknown. */
  worldShare: number | null;
  measures: MeasureInForce[];
  /** Id of the buyer-country agreement in force with this country (`ReferenceData.agreements`), if any. */
  agreement: string | null;
}

export interface LineRisk {
  /**
   * ISO alpha-2, `WORLD`: origin unknown (declared so, or the undeclared remainder), scored at the world mix, or
   * `RECYCLED`: fed by end-of-life scrap, no mining stage.
   */
  originCountry: string;
  processingCountry: string | null;
  /** Fraction of the mineral this line carries (the undeclared remainder is its own line, origin `WORLD`). */
  share: number;
  /** 0–1: the riskier of its stages. */
  risk: number;
  stages: StageRisk[];
  /** The exposure's HS-code or category expansion, for the drivers; absent for a line given by mineral. */
  inferredFrom?: InferredFrom;
}

export interface MineralRisk {
  mineral: string;
  name: string;
  /** 0–100 after vulnerability and mitigants. */
  score: number;
  band: Band;
  /** 0–1: share-weighted line risk. */
  supplyRisk: number;
  /** 0–1: SI × (1 − EoL-RIR). */
  vulnerability: number;
  lines: LineRisk[];
}

export interface Driver {
  /** Points of the supplier's score this driver accounts for (negative for mitigants). */
  points: number;
  text: string;
  mineral: string | null;
  country: string | null;
  sources: string[];
}

export interface ScoredSupplier {
  supplierId: string;
  supplierName: string | null;
  supplierCountry: string | null;
  annualSpendUsd: number | null;
  tier: number | null;
  score: number;
  band: Band;
  asOf: string;
  buyerCountry: string;
  modelVersion: string;
  dataVersion: string;
  worst: { mineral: string; originCountry: string; processingCountry: string | null } | null;
  minerals: MineralRisk[];
  mitigation: { alternativeSources: number; inventoryDays: number; factor: number };
  drivers: Driver[];
}
