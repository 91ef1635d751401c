/**
 * The supplier item and its codec: a supplier's input and latest score with its index keys, and its tombstone once
 * deleted. How a stored supplier becomes an item and back; the writes, the reads and the scans all go through here.
 *
 * Issue 12: a typical item ≤ 1 KiB, one write unit. An item keeps what cannot be recomputed: the input (`i`, a JSON
 * array, no field names) and the stored score (`summary`, written by supplier-changes.ts beside `prevSummary`, also a
 * JSON array), plus what conditions, scans, indexes and the portfolio aggregates read (versions, dates, index keys,
 * `contribution`). The full result is not stored: readers recompute it (shared/model/stored-score.ts).
 *
 * Items written before this codec (`input` and `result` as JSON objects) are still read; a write replaces them.
 */
import { type StoredScore, storedScoreOf } from '../model/stored-score.ts';
import type { Band, Exposure, ScoredSupplier, SupplierInput } from '../model/types.ts';
import { byScorePk, byScoreSk, SUPPLIER_SK, supplierPk } from './keys.ts';
import { contributionAttribute } from './portfolio-aggregates-contribution.ts';
import type { ScoredWrite, StoredSupplier } from './supplier-port.ts';

/** The compact input's attribute; `input` and `result` (and the attributes below) are those of older items. */
export const INPUT_ATTRIBUTE = 'i';
/** Older items' attributes a write removes; `input` first: a rescore keeps it (it keeps the input as stored). */
export const LEGACY_ATTRIBUTES = [
  'input',
  'result',
  'score',
  'band',
  'minerals',
  'countries',
  'gsi2pk',
  'gsi2sk',
] as const;
/** What a scan needs to read a supplier's input alone (inputOfItem; older items' `input` included). */
export const INPUT_PROJECTION = {
  expression: 'supplierId, #i, #input',
  names: { '#i': INPUT_ATTRIBUTE, '#input': 'input' },
} as const;
/** What a scan needs to rebuild a StoredSupplier (older items' attributes included; `gsi1sk`: indexKeyStale). */
export const SUPPLIER_PROJECTION = {
  expression:
    'tenant, supplierId, inputVersion, #i, #input, #result, #summary, nextChangeDate, batchId, updatedAt, gsi1sk, lastIn',
  names: { '#i': INPUT_ATTRIBUTE, '#input': 'input', '#result': 'result', '#summary': 'summary' },
} as const;

/** What a line carries beyond the four fields and processor; absent on most lines, and on every older item. */
interface LineExtra {
  /** Scrap-fed (Exposure.recycled). */
  r?: 1;
  /** Inferred from an HS code (`h`) or product category (`c`): [kind, code, entry] (Exposure.inferredFrom). */
  f?: ['h' | 'c', string, string];
}
/** In a six-element line, processor `0` = absent (null = declared none, as in five elements). */
type Line =
  | [string, string | null, string | null, number | null]
  | [string, string | null, string | null, number | null, string | null]
  | [string, string | null, string | null, number | null, string | null | 0, LineExtra];
type InputTuple = [string | null, string | null, number | null, number | null, number, number, Line[]];

function lineExtra(e: Exposure): LineExtra | null {
  if (!e.recycled && !e.inferredFrom) return null;
  const extra: LineExtra = {};
  if (e.recycled) extra.r = 1;
  if (e.inferredFrom) extra.f = [e.inferredFrom.kind === 'hs' ? 'h' : 'c', e.inferredFrom.code, e.inferredFrom.entry];
  return extra;
}

/** The input without its id (the key holds it) and without field names: about half the JSON object's bytes. */
export function encodeInput(input: SupplierInput): string {
  const lines = input.exposures.map((e): Line => {
    const base: Line = [e.mineral, e.originCountry, e.processingCountry, e.share];
    const extra = lineExtra(e);
    if (extra)
      return [
        e.mineral,
        e.originCountry,
        e.processingCountry,
        e.share,
        e.processor === undefined ? 0 : e.processor,
        extra,
      ];
    // `processor` absent and `processor: null` both mean "not declared"; the codec keeps which it was, exactly.
    return e.processor === undefined ? base : [e.mineral, e.originCountry, e.processingCountry, e.share, e.processor];
  });
  const t: InputTuple = [
    input.supplierName,
    input.supplierCountry,
    input.annualSpendUsd,
    input.tier,
    input.alternativeSources,
    input.inventoryDays,
    lines,
  ];
  return JSON.stringify(t);
}

export function decodeInput(supplierId: string, encoded: string): SupplierInput {
  const [supplierName, supplierCountry, annualSpendUsd, tier, alternativeSources, inventoryDays, lines] = JSON.parse(
    encoded,
  ) as InputTuple;
  return {
    supplierId,
    supplierName,
    supplierCountry,
    annualSpendUsd,
    tier,
    alternativeSources,
    inventoryDays,
    exposures: lines.map((l): Exposure => {
      const e: Exposure = { mineral: l[0], originCountry: l[1], processingCountry: l[2], share: l[3] };
      if (l.length > 4 && l[4] !== 0) e.processor = l[4] ?? null;
      const extra = l.length > 5 ? l[5] : undefined;
      if (extra?.r === 1) e.recycled = true;
      if (extra?.f)
        e.inferredFrom = { kind: extra.f[0] === 'h' ? 'hs' : 'category', code: extra.f[1], entry: extra.f[2] };
      return e;
    }),
  };
}

type WorstTuple = [string, string, string | null] | 0;
type SummaryTuple = [
  number,
  Band,
  WorstTuple,
  [number, string | null, string | null][],
  string,
  string,
  string,
  string,
];

export function encodeSummary(s: StoredScore): string {
  const t: SummaryTuple = [
    s.score,
    s.band,
    s.worst ? [s.worst.mineral, s.worst.originCountry, s.worst.processingCountry] : 0,
    s.drivers.map((d) => [d.points, d.mineral, d.country]),
    s.asOf,
    s.buyerCountry,
    s.modelVersion,
    s.dataVersion,
  ];
  return JSON.stringify(t);
}

/** A stored summary; null for none (`'null'`) or one of the older JSON-object form (read from its `result`). */
export function decodeSummary(encoded: string): StoredScore | null {
  const t = JSON.parse(encoded) as unknown;
  if (!Array.isArray(t)) return null;
  const [score, band, worst, drivers, asOf, buyerCountry, modelVersion, dataVersion] = t as SummaryTuple;
  return {
    score,
    band,
    worst: worst === 0 ? null : { mineral: worst[0], originCountry: worst[1], processingCountry: worst[2] },
    drivers: drivers.map(([points, mineral, country]) => ({ points, mineral, country })),
    asOf,
    buyerCountry,
    modelVersion,
    dataVersion,
  };
}

/** The attributes a write sets (the summary and change attributes are supplier-changes.ts's). */
export interface SupplierItem {
  pk: string;
  sk: string;
  tenant: string;
  supplierId: string;
  inputVersion: number;
  i: string;
  asOf: string;
  modelVersion: string;
  dataVersion: string;
  nextChangeDate?: string;
  batchId?: string;
  updatedAt: string;
  gsi1pk: string;
  gsi1sk: string;
  /** The portfolio contribution (portfolio-aggregates-contribution.ts): the aggregates' delta of a write. */
  contribution: string;
}

export function toItem(tenant: string, x: ScoredWrite, at: string): SupplierItem {
  const id = x.input.supplierId;
  const item: SupplierItem = {
    pk: supplierPk(tenant, id),
    sk: SUPPLIER_SK,
    tenant,
    supplierId: id,
    inputVersion: x.inputVersion,
    i: encodeInput(x.input),
    asOf: x.result.asOf,
    modelVersion: x.result.modelVersion,
    dataVersion: x.result.dataVersion,
    updatedAt: at,
    gsi1pk: byScorePk(tenant, id),
    gsi1sk: byScoreSk(x.result.score, id),
    ...contributionAttribute(x.result),
  };
  if (x.batchId) item.batchId = x.batchId;
  if (x.nextChangeDate) item.nextChangeDate = x.nextChangeDate;
  return item;
}

/**
 * A deleted supplier leaves a tombstone: its key, the delete's version and `deletedAt`, no index keys. Upserts of an
 * older version fail their condition against it, so a message queued before the delete cannot bring the supplier
 * back. It has no TTL: a DLQ redrive restarts a message's retention, so no age bounds how late an old write can come,
 * and a tombstone is a few dozen bytes. A newer PUT replaces it.
 */
export const isLive = (item: Record<string, unknown> | undefined): item is Record<string, unknown> =>
  item !== undefined && item.deletedAt === undefined;

/** The stored input of an item (compact, or an older item's JSON object). */
export function inputOfItem(item: Record<string, unknown>): SupplierInput {
  return typeof item[INPUT_ATTRIBUTE] === 'string'
    ? decodeInput(item.supplierId as string, item[INPUT_ATTRIBUTE])
    : (JSON.parse(item.input as string) as SupplierInput);
}

/** Whether the item holds this very input (a redelivery's test), whichever form it was stored in. */
export const holdsInput = (item: Record<string, unknown>, input: SupplierInput): boolean =>
  typeof item[INPUT_ATTRIBUTE] === 'string'
    ? item[INPUT_ATTRIBUTE] === encodeInput(input)
    : item.input === JSON.stringify(input);

/** The stored score of a live item: its compact summary, or an older item's full result. */
export function storedScoreOfItem(item: Record<string, unknown>): StoredScore {
  const compact = typeof item.summary === 'string' ? decodeSummary(item.summary) : null;
  if (compact) return compact;
  return storedScoreOf(JSON.parse(item.result as string) as ScoredSupplier);
}

/** A supplier item as the application sees it (the rescore scan reads items through it too). */
export function fromItem(item: Record<string, unknown>): StoredSupplier {
  const supplierId = item.supplierId as string;
  const summary = storedScoreOfItem(item);
  // Only an index key read and found other than its score's: an item read without it is not taken for stale.
  const indexKeyStale = typeof item.gsi1sk === 'string' && item.gsi1sk !== byScoreSk(summary.score, supplierId);
  return {
    tenant: item.tenant as string,
    supplierId,
    inputVersion: item.inputVersion as number,
    input: inputOfItem(item),
    summary,
    nextChangeDate: (item.nextChangeDate as string | undefined) ?? null,
    batchId: (item.batchId as string | undefined) ?? null,
    updatedAt: item.updatedAt as string,
    // The rescore page group of its latest grouped record (change-groups.ts LAST_IN_ATTRIBUTE).
    pageRef: typeof item.lastIn === 'string' ? item.lastIn : null,
    ...(indexKeyStale ? { indexKeyStale: true as const } : {}),
  };
}
