/**
 * A score change as procurement systems hear of it (issue 10): who moved, from what to what, why, and which drivers
 * moved by how many points. Pure: the store writes it with the score, the notifier delivers it.
 */
import type { Band, Driver, ScoredSupplier } from '../model/types.ts';

/** Why a stored score changed. */
export type ChangeCause =
  | { kind: 'upload'; batchId: string }
  | { kind: 'api' }
  | { kind: 'policy'; fromRevision: number; toRevision: number; eventIds: string[] }
  /** A measure started or lapsed, or a suspension ended, on the date (the daily run). */
  | { kind: 'date' }
  /** Another release of the reference data. */
  | { kind: 'data' }
  | { kind: 'model' }
  | { kind: 'delete' };

export interface ScoreSummary {
  score: number;
  band: Band;
  worst: ScoredSupplier['worst'];
}

export interface DriverMove {
  text: string;
  sources: string[];
  mineral: string | null;
  country: string | null;
  /** The driver's points before and after (null: it was not, or is no longer, a driver). */
  before: number | null;
  after: number | null;
}

export interface ChangeRecord {
  /** Stable for the change: `{supplierId}@{sequence}`, the same however often the change is written or delivered. */
  changeId: string;
  tenant: string;
  supplierId: string;
  at: string;
  cause: ChangeCause;
  /** null: the supplier was new. */
  before: ScoreSummary | null;
  /** null: the supplier was deleted. */
  after: ScoreSummary | null;
  /** after − before (0.1 points); null for a new or deleted supplier. */
  delta: number | null;
  drivers: DriverMove[];
  modelVersion: string | null;
  dataVersion: string | null;
}

/**
 * What a change is computed from: a full result, or the summary the store keeps beside it (and copies to
 * `prevSummary` with each write, server-side, so a redelivered write can still derive the change it made).
 */
export type ChangeSide = Pick<ScoredSupplier, 'score' | 'band' | 'worst' | 'drivers' | 'modelVersion' | 'dataVersion'>;

/** Drivers kept in a stored summary: the moves of a change are read among each side's largest ones. */
export const SUMMARY_DRIVERS = 8;

/** A result's summary as the store keeps it: score, band, worst line, versions and its largest drivers. */
export function summarise(r: ChangeSide): ChangeSide {
  const drivers = [...r.drivers].sort((a, b) => Math.abs(b.points) - Math.abs(a.points)).slice(0, SUMMARY_DRIVERS);
  return {
    score: r.score,
    band: r.band,
    worst: r.worst,
    drivers,
    modelVersion: r.modelVersion,
    dataVersion: r.dataVersion,
  };
}

const summary = (s: ChangeSide | null): ScoreSummary | null =>
  s ? { score: s.score, band: s.band, worst: s.worst } : null;

/** Drivers keyed by what they are about (mineral and country; the n-th of a key when a supplier has several). */
function keyed(drivers: readonly Driver[]): Map<string, Driver> {
  const out = new Map<string, Driver>();
  const seen = new Map<string, number>();
  for (const d of drivers) {
    const base = `${d.mineral ?? '-'}|${d.country ?? '-'}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.set(`${base}#${n}`, d);
  }
  return out;
}

/** The drivers whose points moved, appeared or went, largest move first. */
export function driverMoves(before: readonly Driver[], after: readonly Driver[]): DriverMove[] {
  const b = keyed(before);
  const a = keyed(after);
  const moves: DriverMove[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(key);
    const now = a.get(key);
    if (was && now && was.points === now.points && was.text === now.text) continue;
    const d = (now ?? was) as Driver;
    moves.push({
      text: d.text,
      sources: d.sources,
      mineral: d.mineral,
      country: d.country,
      before: was?.points ?? null,
      after: now?.points ?? null,
    });
  }
  const size = (m: DriverMove) => Math.abs((m.after ?? 0) - (m.before ?? 0));
  return moves.sort((x, y) => size(y) - size(x) || x.text.localeCompare(y.text));
}

/**
 * The change from `before` to `after`, or null when nothing a buyer sees moved (same score, band and worst line): a
 * rescore that confirms a score is not a change. A new supplier and a deleted one always are.
 */
export function scoreChange(input: {
  tenant: string;
  supplierId: string;
  sequence: number;
  at: string;
  cause: ChangeCause;
  before: ChangeSide | null;
  after: ChangeSide | null;
}): ChangeRecord | null {
  const { before, after } = input;
  if (!before && !after) return null;
  if (
    before &&
    after &&
    before.score === after.score &&
    before.band === after.band &&
    JSON.stringify(before.worst) === JSON.stringify(after.worst)
  )
    return null;
  return {
    changeId: `${input.supplierId}@${input.sequence}`,
    tenant: input.tenant,
    supplierId: input.supplierId,
    at: input.at,
    cause: input.cause,
    before: summary(before),
    after: summary(after),
    delta: before && after ? Math.round((after.score - before.score) * 10) / 10 : null,
    // Both sides cut to their largest drivers, so a record derived from full results and one derived from stored
    // summaries (a redelivery) are the same record.
    drivers: driverMoves(before ? summarise(before).drivers : [], after ? summarise(after).drivers : []),
    modelVersion: after?.modelVersion ?? before?.modelVersion ?? null,
    dataVersion: after?.dataVersion ?? before?.dataVersion ?? null,
  };
}
