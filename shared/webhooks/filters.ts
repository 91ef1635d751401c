/**
 * Which change records an endpoint receives (issue 10): its filters, read as the port describes them (port.ts). Pure.
 *
 * Every filter given must match; a filter not given, or given as an empty list, takes everything, so `{}` takes every
 * event. The filters only ever narrow what the notifier sends: the change log (GET /v1/changes) keeps every record.
 * Minerals compare by their normalised id (`dysprosium`, `rare_earths`), as the API stores them, ignoring case.
 */

import type { ChangeRecord } from '../changes/change-record.ts';
import { type ChangeKind, changeKind } from '../changes/events.ts';
import type { WebhookFilters } from './port.ts';

const given = <T>(list: readonly T[] | undefined): list is readonly T[] => list !== undefined && list.length > 0;

/** The band before or after the change is one of `bands`. */
function bandMatches(bands: WebhookFilters['bands'], r: ChangeRecord): boolean {
  if (!given(bands)) return true;
  return [r.before?.band, r.after?.band].some((b) => b !== undefined && bands.includes(b));
}

/** |delta| ≥ minDelta; a new or deleted supplier, or a band change, passes whatever the points. */
function deltaMatches(minDelta: WebhookFilters['minDelta'], r: ChangeRecord): boolean {
  if (minDelta === undefined || minDelta <= 0) return true;
  if (r.before === null || r.after === null || r.before.band !== r.after.band) return true;
  return Math.abs(r.delta ?? 0) >= minDelta;
}

/** The minerals a change is about: its worst mineral before and after, and every driver that moved. */
export function mineralsOf(r: ChangeRecord): Set<string> {
  const out = new Set<string>();
  for (const m of [r.before?.worst?.mineral, r.after?.worst?.mineral, ...r.drivers.map((d) => d.mineral)])
    if (m) out.add(m.toLowerCase());
  return out;
}

function mineralMatches(minerals: WebhookFilters['minerals'], r: ChangeRecord): boolean {
  if (!given(minerals)) return true;
  const about = mineralsOf(r);
  return minerals.some((m) => about.has(m.toLowerCase()));
}

function kindMatches(kinds: readonly ChangeKind[] | undefined, r: ChangeRecord): boolean {
  return !given(kinds) || kinds.includes(changeKind(r));
}

/** Whether an endpoint with `filters` receives the change `record`. */
export function matchesFilters(filters: WebhookFilters, record: ChangeRecord): boolean {
  return (
    kindMatches(filters.kinds, record) &&
    bandMatches(filters.bands, record) &&
    deltaMatches(filters.minDelta, record) &&
    mineralMatches(filters.minerals, record)
  );
}
