import { MAX_SUPPLIER_ID_LENGTH } from '../model/limits.ts';
import {
  BY_SCORE_POSITION,
  byScoreBandStart,
  EXACT_SCORE_FROM_RANK,
  LEGACY_BY_SCORE_SK,
  rankOfLegacy,
} from './keys.ts';

/**
 * The supplier list's cursor: the by-score index key of the last supplier returned (or, for an item not yet re-keyed,
 * its position in the list: keys.ts byScorePosition), base64url. One key is enough for every shard: the list is the
 * merge of the shards in key order, so after key K every shard resumes after K.
 *
 * Its size is bounded, so a request carrying it always fits API Gateway's 10,240 bytes of request line and headers:
 * the key is 7 bytes of band, score and separators plus an id of at most 128 UTF-16 units (at most 3 bytes of UTF-8
 * each).
 */
const MAX_KEY_BYTES = 7 + MAX_SUPPLIER_ID_LENGTH * 3;
export const MAX_LIST_CURSOR_CHARS = Math.ceil((MAX_KEY_BYTES * 4) / 3);

export const encodeListCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** The list position a cursor of this API holds, or null for anything else (which would fail in the query). */
export function decodeListCursor(cursor: string): string | null {
  if (cursor.length > MAX_LIST_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  let key: string;
  try {
    key = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (encodeListCursor(key) !== cursor) return null;
  const current = BY_SCORE_POSITION.exec(key);
  if (current) return key.length > current[0].length ? key : null;
  return /^\d{4}#./su.test(key) ? positionOfFormerCursor(key) : null;
}

/**
 * A cursor given out before the band-ordered keys (the former key, score then id) keeps working: in the high and
 * critical bands the order is the same, so it resumes exactly; below, a band is now in id order, so it resumes at the
 * top of its band (it may list again what the client already had, never skips any).
 */
function positionOfFormerCursor(key: string): string {
  const rank = rankOfLegacy(Number(LEGACY_BY_SCORE_SK.exec(key)?.[1]));
  return rank <= EXACT_SCORE_FROM_RANK ? `${rank}#${key}` : byScoreBandStart(rank);
}

/**
 * The cursor of a scan or of an index walk: DynamoDB's LastEvaluatedKey (or the walk's state) as JSON, base64url.
 * Only the rescore's own workers hand these back; the API never takes one.
 */
export const encodeScanCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
export const decodeScanCursor = (cursor: string | null | undefined) =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
