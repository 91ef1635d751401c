/**
 * The OpenAPI document states the id and name rules of shared/text/safe-text.ts as JSON Schema patterns, so clients
 * can check before sending: these properties hold each pattern to what the API's schemas accept, character by
 * character, over strings rich in the characters the rules are about.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID_PATTERN, NAME_PATTERN, putSupplierBody, supplierId } from '../../shared/http/schemas.ts';

/** JSON Schema 2020-12 patterns are ECMA-262 with Unicode semantics (the `u` flag), as Ajv applies them. */
const idPattern = new RegExp(ID_PATTERN, 'u');
const namePattern = new RegExp(NAME_PATTERN, 'u');

const fromCodes = (...ranges: [number, number][]) =>
  fc.oneof(...ranges.map(([min, max]) => fc.integer({ min, max }))).map((c) => String.fromCodePoint(c));

/** Characters the rules name (controls, bidi controls, noncharacters, U+FFFD, lone surrogates, white space, '/'). */
const edgy = fc.oneof(
  fromCodes([0, 0x1f], [0x7f, 0x9f]),
  fc.constantFrom('\t', '\n', '\r', ' ', '\u00a0', '\u2028', '\u3000', '\ufeff', '/', '\ufffd', '\ufffe', '\uffff'),
  fc.constantFrom('\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\u200b', '\u200d'),
  fromCodes([0xfdd0, 0xfdef], [0xd800, 0xdfff]),
  fc.integer({ min: 1, max: 16 }).map((plane) => String.fromCodePoint(plane * 0x10000 + 0xfffe)),
);
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: edgy },
);
const text = fc.string({ unit, maxLength: 12 });
const RUNS = { numRuns: 3000, seed: 8 };

describe('the documented text patterns', () => {
  it('an id matches ID_PATTERN exactly when the API accepts it (within its length)', () => {
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(s.length >= 1);
        expect(idPattern.test(s), JSON.stringify(s)).toBe(supplierId.safeParse(s).success);
      }),
      RUNS,
    );
  });

  it('a supplier name matches NAME_PATTERN exactly when the API accepts it (within its length)', () => {
    const accepts = (name: string) =>
      putSupplierBody.safeParse({ supplierName: name, exposures: [{ mineral: 'Ga', originCountry: 'CN' }] }).success;
    fc.assert(
      fc.property(text, (s) => {
        expect(namePattern.test(s), JSON.stringify(s)).toBe(accepts(s));
      }),
      RUNS,
    );
  });
});
