/**
 * What text a supplier's id and name may hold, decided once for every edge (CSV and JSON uploads, the API): the CSV
 * reader rejects the row naming the field, the API answers 400 naming the field. Characters refused:
 * - control characters (C0 and C1, and DEL): invisible, break logs and CSV exports; a name may keep TAB, LF and CR
 *   (a quoted CSV cell can hold a line break), an id none;
 * - lone surrogates: not text (an unpaired half of a UTF-16 pair cannot be written as UTF-8);
 * - noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE, U+FFFF, U+1FFFE…): reserved
 *   by Unicode for internal use, and U+FFFE/U+FFFF are refused by SQS;
 * - U+FFFD, the replacement character: what a decoder writes for bytes it could not read, so a name holding it was
 *   altered on its way here (a Latin-1 file read as UTF-8), and storing it would keep the damage;
 * - in ids, also bidirectional controls (an id that displays as another id) and leading or trailing white space.
 * Whatever is stored still travels safely: queue bodies escape every character SQS refuses (shared/queue/message.ts).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this expression's purpose
const CONTROL_IN_NAME = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this expression's purpose
const CONTROL_IN_ID = /[\u0000-\u001F\u007F-\u009F]/u;
const NONCHARACTER =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** LRM, RLM, ALM, the embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const REPLACEMENT = /\uFFFD/u;

const codePoint = (s: string, re: RegExp): string | null => {
  const m = re.exec(s);
  if (!m) return null;
  const cp = m[0].codePointAt(0) as number;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} at position ${m.index + 1}`;
};

/** Why `text` cannot be a supplier name (or another free-text field), or null when it can. */
export function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (not valid Unicode text)';
  const control = codePoint(text, CONTROL_IN_NAME);
  if (control) return `contains a control character (${control})`;
  const nonchar = codePoint(text, NONCHARACTER);
  if (nonchar) return `contains a Unicode noncharacter (${nonchar})`;
  const replaced = codePoint(text, REPLACEMENT);
  if (replaced)
    return `contains the replacement character (${replaced}): the text was read with the wrong character set; send it as UTF-8`;
  return null;
}

/** Why `id` cannot be a supplier id (beyond its length and the '/' rule), or null when it can. */
export function idProblem(id: string): string | null {
  if (LONE_SURROGATE.test(id)) return 'contains a lone surrogate (not valid Unicode text)';
  const control = codePoint(id, CONTROL_IN_ID);
  if (control) return `contains a control character (${control})`;
  const nonchar = codePoint(id, NONCHARACTER);
  if (nonchar) return `contains a Unicode noncharacter (${nonchar})`;
  const replaced = codePoint(id, REPLACEMENT);
  if (replaced)
    return `contains the replacement character (${replaced}): the text was read with the wrong character set; send it as UTF-8`;
  const bidi = codePoint(id, BIDI_CONTROL);
  if (bidi) return `contains a bidirectional control character (${bidi}): it can make one id look like another`;
  if (id.trim() !== id) return 'starts or ends with white space';
  return null;
}
