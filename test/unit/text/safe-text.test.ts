/** The text rules of ids and names, as a class: every code point of each refused kind, and nothing else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idProblem, textProblem } from '../../../shared/text/safe-text.ts';

const cp = (n: number) => String.fromCodePoint(n);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const CONTROLS = [...range(0x00, 0x08), 0x0b, 0x0c, ...range(0x0e, 0x1f), ...range(0x7f, 0x9f)];
const NONCHARACTERS = [
  ...range(0xfdd0, 0xfdef),
  ...range(0, 16).flatMap((plane) => [plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]),
];
const BIDI = [0x061c, 0x200e, 0x200f, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];

describe('textProblem (names)', () => {
  it('refuses every control character but TAB, LF and CR, every noncharacter, U+FFFD and lone surrogates', () => {
    for (const c of [...CONTROLS, ...NONCHARACTERS, 0xfffd])
      expect(textProblem(`ab${cp(c)}cd`), c.toString(16)).not.toBeNull();
    for (const s of ['a\ud800', '\udfffa', 'a\udc00\ud800b']) expect(textProblem(s)).toMatch(/lone surrogate/);
    for (const c of [0x09, 0x0a, 0x0d]) expect(textProblem(`a${cp(c)}b`)).toBeNull();
  });

  it('accepts any other text: letters of every script, emoji, accents', () => {
    const allowed = fc.string({ unit: 'grapheme', maxLength: 40 }).filter(
      (s) =>
        ![...s].some((ch) => {
          const c = ch.codePointAt(0) as number;
          return CONTROLS.includes(c) || NONCHARACTERS.includes(c) || c === 0xfffd;
        }),
    );
    fc.assert(
      fc.property(allowed, (s) => {
        expect(textProblem(s)).toBeNull();
      }),
    );
    expect(textProblem('Société Générale — 鉱業 🚀')).toBeNull();
  });

  it('names the code point and where it is', () => {
    expect(textProblem('Nordmag\uffff')).toBe('contains a Unicode noncharacter (U+FFFF at position 8)');
  });
});

describe('idProblem (supplier ids)', () => {
  it('refuses bidirectional controls, every control character and white space at either end', () => {
    for (const c of [...BIDI, ...CONTROLS, 0x09, 0x0a, 0x0d, ...NONCHARACTERS])
      expect(idProblem(`S${cp(c)}1`), c.toString(16)).not.toBeNull();
    for (const id of [' S-1', 'S-1 ', '\u00a0S-1', 'S-1\u3000']) expect(idProblem(id)).toMatch(/white space/);
    expect(idProblem('S-1 2')).toBeNull();
    expect(idProblem('鉱-1')).toBeNull();
  });
});
