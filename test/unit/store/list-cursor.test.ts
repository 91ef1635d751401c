import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUPPLIER_ID_LENGTH } from '../../../shared/model/limits.ts';
import {
  BAND_RANK,
  byScoreBandStart,
  byScorePosition,
  byScoreSk,
  compareKeyBytes,
} from '../../../shared/store/keys.ts';
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

  it('a position of a key not yet re-keyed (medium and low: a band, then its score) decodes back too', () => {
    const id = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(id, fc.integer({ min: 0, max: 1000 }), (supplierId, tenths) => {
        const position = byScorePosition(`${String(1000 - tenths).padStart(4, '0')}#${supplierId}`);
        expect(decodeListCursor(encodeListCursor(position))).toBe(position);
      }),
    );
  });

  it('a cursor given out before the band-ordered key resumes exactly in high and critical, at its band below', () => {
    // 87.6 and 50.0: the same order as before, so the very position; 49.9 and 0: the top of medium and of low.
    expect(decodeListCursor(encodeListCursor('0124#S-1'))).toBe(byScoreSk(87.6, 'S-1'));
    expect(decodeListCursor(encodeListCursor('0500#S-1'))).toBe(byScoreSk(50, 'S-1'));
    expect(decodeListCursor(encodeListCursor('0501#S-1'))).toBe(byScoreBandStart(BAND_RANK.medium));
    expect(decodeListCursor(encodeListCursor('1000#S-1'))).toBe(byScoreBandStart(BAND_RANK.low));
    // The top of a band lists before every key of the band and after every key of the bands above.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.string({ minLength: 1 }), (tenths, supplierId) => {
        const key = byScoreSk(tenths / 10, supplierId);
        const rank = Number(key[0]);
        expect(Math.sign(compareKeyBytes(key, byScoreBandStart(BAND_RANK.medium)))).toBe(
          rank < BAND_RANK.medium ? -1 : 1,
        );
      }),
    );
  });

  it('refuses what it did not give out', () => {
    for (const c of [
      '',
      'not a cursor!',
      'A'.repeat(MAX_LIST_CURSOR_CHARS + 1),
      encodeListCursor('x#1'),
      encodeListCursor('{"0":"0500#a"}'),
      encodeListCursor('4#0100#a'),
      encodeListCursor('1#100#a'),
      encodeListCursor('1#0100#'),
      encodeListCursor('2#----#'),
      encodeListCursor('0500#'),
      Buffer.from([0xff, 0xfe]).toString('base64url'),
    ])
      expect(decodeListCursor(c)).toBeNull();
  });
});
