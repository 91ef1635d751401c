import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUPPLIER_ID_LENGTH } from '../../../shared/model/limits.ts';
import { byScoreSk } from '../../../shared/store/keys.ts';
import { decodeListCursor, encodeListCursor, MAX_LIST_CURSOR_CHARS } from '../../../shared/store/list-cursor.ts';

describe('the supplier list cursor', () => {
  it('any key of any valid id and score: at most MAX_LIST_CURSOR_CHARS characters, and it decodes back to the key', () => {
    const id = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: MAX_SUPPLIER_ID_LENGTH })
      .filter((s) => s.length <= MAX_SUPPLIER_ID_LENGTH);
    fc.assert(
      fc.property(id, fc.double({ min: 0, max: 100, noNaN: true }), (supplierId, score) => {
        const key = byScoreSk(score, supplierId);
        const cursor = encodeListCursor(key);
        expect(cursor.length).toBeLessThanOrEqual(MAX_LIST_CURSOR_CHARS);
        expect(decodeListCursor(cursor)).toBe(key);
      }),
    );
    // The longest: 128 characters of 3 bytes each.
    expect(encodeListCursor(byScoreSk(0, '鉱'.repeat(128))).length).toBeLessThanOrEqual(MAX_LIST_CURSOR_CHARS);
  });

  it('refuses what it did not give out', () => {
    for (const c of [
      '',
      'not a cursor!',
      'A'.repeat(MAX_LIST_CURSOR_CHARS + 1),
      encodeListCursor('x#1'),
      encodeListCursor('{"0":"0500#a"}'),
      Buffer.from([0xff, 0xfe]).toString('base64url'),
    ])
      expect(decodeListCursor(c)).toBeNull();
  });
});
