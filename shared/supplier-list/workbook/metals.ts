/**
 * RMI template metals → the model's mineral ids, or why a metal is counted and not scored. Gold is reported by every
 * CMRT but is not a critical mineral; mica, lime and soda ash are RMI metals the model's catalogue does not hold.
 */
import { parseMineral } from '../../model/normalise.ts';

export type MetalMapping = { metal: string; mineral: string } | { metal: string; mineral: null; notScored: string };

/** The metals the CMRT, EMRT and AMRT name (English, as their drop-downs write them in every language). */
const RMI_METALS = [
  'tantalum',
  'tin',
  'tungsten',
  'gold',
  'cobalt',
  'copper',
  'graphite',
  'lithium',
  'mica',
  'nickel',
  'aluminium',
  'aluminum',
  'iridium',
  'lime',
  'manganese',
  'palladium',
  'platinum',
  'rare earths',
  'rhodium',
  'ruthenium',
  'silver',
  'soda ash',
  'zinc',
] as const;

const NOT_CRITICAL = new Set(['gold']);

/** 'Graphite (natural)', 'Rare Earth Elements', 'COBALT' → the RMI metal's key. */
function metalKey(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\(\*\)/g, '')
    .replace(/\(.*?\)/g, '')
    .replace(/[\s_-]+/g, ' ')
    .trim()
    .replace(/^rare earth( elements?)?$/, 'rare earths');
}

const cache = new Map<string, MetalMapping | undefined>();

/** The mapping of a metal cell, or undefined for a value that names no RMI metal. */
export function mapMetal(raw: string): MetalMapping | undefined {
  const key = metalKey(raw);
  if (cache.has(key)) return cache.get(key);
  let result: MetalMapping | undefined;
  if ((RMI_METALS as readonly string[]).includes(key)) {
    const metal = key === 'aluminum' ? 'aluminium' : key;
    if (NOT_CRITICAL.has(key)) result = { metal, mineral: null, notScored: `${metal} is not a critical mineral` };
    else {
      const m = parseMineral(key);
      result = m.ok
        ? { metal, mineral: m.value }
        : { metal, mineral: null, notScored: `${metal} is not in the model's mineral catalogue` };
    }
  }
  cache.set(key, result);
  return result;
}
