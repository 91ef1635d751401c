/**
 * Entity-level measures: a measure whose destination is a list of named companies (China's 2026-06-22 ban on ten US
 * entities) reaches a supplier only if the supplier, or the processor a line declares, is one of them. Names are
 * compared normalised (`entityKey`): case, accents, punctuation and legal suffixes do not count, so `MP Materials
 * Corp.`, `mp materials` and `MP MATERIALS CORPORATION` are one entity. A supplier whose rows name none of the listed
 * entities is not reached: the model cannot know whom a supplier sells to unless it is told. Pure.
 */
import type { ReferenceData } from '../reference/index.ts';

/** Legal-form words that do not tell companies apart. */
const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'plc',
  'lp',
  'llp',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'bv',
  'nv',
  'pte',
  'pty',
  'the',
]);

/** `MP Materials Corp.` → `mp materials`; `USA Rare Earth, LLC` → `usa rare earth`. Empty for a blank name. */
export function entityKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // Dotted abbreviations are one word: `S.A.` → `sa`, `U.S.A.` → `usa`.
    .replace(/(?<!\p{L})(?:\p{L}\.){2,}/gu, (m) => m.replaceAll('.', ''))
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1] as string)) words.pop();
  while (words.length > 1 && words[0] === 'the') words.shift();
  return words.join(' ');
}

/** Entity-scoped measures a line is reached by: measure id → the listed entity (as the measure names it). */
export type EntityMatches = ReadonlyMap<string, string>;

export const NO_ENTITIES: EntityMatches = new Map();

/** Normalised entity name → the entity-scoped measures that list it, per reference dataset. */
const indexes = new WeakMap<ReferenceData, Map<string, { id: string; entity: string }[]>>();

function indexOf(ref: ReferenceData): Map<string, { id: string; entity: string }[]> {
  let index = indexes.get(ref);
  if (!index) {
    index = new Map();
    for (const e of ref.policyEvents) {
      if (e.destination.kind !== 'entities') continue;
      for (const entity of e.destination.entities) {
        const key = entityKey(entity);
        if (key === '') continue;
        const list = index.get(key) ?? [];
        list.push({ id: e.id, entity });
        index.set(key, list);
      }
    }
    indexes.set(ref, index);
  }
  return index;
}

/** The entity-scoped measures that reach a line whose supplier and declared processor carry these names. */
export function entityMatches(ref: ReferenceData, names: readonly (string | null | undefined)[]): EntityMatches {
  const index = indexOf(ref);
  if (index.size === 0) return NO_ENTITIES;
  let out: Map<string, string> | null = null;
  for (const name of names) {
    if (!name) continue;
    for (const m of index.get(entityKey(name)) ?? []) {
      out ??= new Map();
      if (!out.has(m.id)) out.set(m.id, m.entity);
    }
  }
  return out ?? NO_ENTITIES;
}

/** A stable key of the matches, for caches: empty when none (the common case). */
export function matchesKey(matches: EntityMatches): string {
  if (matches.size === 0) return '';
  return [...matches]
    .map(([id, entity]) => `${id}=${entity}`)
    .sort()
    .join(',');
}
