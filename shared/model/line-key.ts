/**
 * What makes two exposure lines of one supplier the same line (a duplicate, rejected on input): mineral, origin —
 * a scrap-fed line is its own origin — processing country, processor, and the HS code or category a purchase line
 * was inferred from (two codes that both carry gallium are two lines). One key for CSV rows and API bodies.
 */
import type { Exposure } from './types.ts';

export function lineKey(e: Exposure): string {
  const origin = e.recycled ? 'recycled' : (e.originCountry ?? '');
  const from = e.inferredFrom ? `${e.inferredFrom.kind}:${e.inferredFrom.code}` : '';
  return `${e.mineral}|${origin}|${e.processingCountry ?? ''}|${e.processor ?? ''}|${from}`;
}

/** The origin in words, for messages: `CN`, `an unknown origin`, `recycled feed`. */
export function originWords(e: Exposure): string {
  if (e.recycled) return 'recycled feed';
  return e.originCountry ?? 'an unknown origin';
}

/** Where an inferred line came from, for messages: ` (inferred from HS 8505.11)`; empty for a line given by mineral. */
export function inferredWords(e: Exposure): string {
  if (!e.inferredFrom) return '';
  const { kind, code } = e.inferredFrom;
  return kind === 'hs' ? ` (inferred from HS ${code})` : ` (inferred from product category ${code})`;
}
