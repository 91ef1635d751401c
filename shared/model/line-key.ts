/**
 * What makes two exposure lines of one supplier the same line (a duplicate, rejected on input): mineral, origin —
 * a scrap-fed line is its own origin — processing country and processor. One key for CSV rows and API bodies.
 */
import type { Exposure } from './types.ts';

export function lineKey(e: Exposure): string {
  const origin = e.recycled ? 'recycled' : (e.originCountry ?? '');
  return `${e.mineral}|${origin}|${e.processingCountry ?? ''}|${e.processor ?? ''}`;
}

/** The origin in words, for messages: `CN`, `an unknown origin`, `recycled feed`. */
export function originWords(e: Exposure): string {
  if (e.recycled) return 'recycled feed';
  return e.originCountry ?? 'an unknown origin';
}
