/** Reading an HS code as a ledger writes it, and finding its entry by longest prefix (6 digits, then 4). */
import { describe, expect, it } from 'vitest';
import { formatHsCode, hsDigits, hsEntryOfCategory, hsEntryOfCode } from '../../../shared/reference/hs-codes.ts';

describe('HS codes', () => {
  it.each([
    ['8505.11', '850511'],
    ['850511', '850511'],
    [' 8505 11 ', '850511'],
    ['8541', '8541'],
    ['8505.11.00', '850511'],
    ['8112929010', '811292'],
    ['85.05', '8505'],
  ])('%j reads as %s', (raw, digits) => {
    expect(hsDigits(raw)).toBe(digits);
  });

  it.each(['85051', '8505.1', 'HS8505', '', 'abcd', '85051100123'])('%j is not an HS code', (raw) => {
    expect(hsDigits(raw)).toBeNull();
  });

  it('formats 6 digits with a dot, 4 without', () => {
    expect(formatHsCode('850511')).toBe('8505.11');
    expect(formatHsCode('8541')).toBe('8541');
  });

  it('takes the 6-digit subheading where mapped, else its 4-digit heading, else nothing', () => {
    expect(hsEntryOfCode('854141')?.id).toBe('leds');
    expect(hsEntryOfCode('854129')?.id).toBe('semiconductor-devices');
    expect(hsEntryOfCode('8541')?.id).toBe('semiconductor-devices');
    expect(hsEntryOfCode('850511')?.id).toBe('permanent-magnets');
    // Ferrite magnets (8505.19) carry no critical mineral, and 8505 itself is not mapped.
    expect(hsEntryOfCode('850519')).toBeUndefined();
    expect(hsEntryOfCode('9999')).toBeUndefined();
    // Scrap has its own subheading inside a mapped heading.
    expect(hsEntryOfCode('810530')?.recycled).toBe(true);
    expect(hsEntryOfCode('810520')?.id).toBe('cobalt');
  });

  it('finds a product category by its id or a name, any case or separator', () => {
    expect(hsEntryOfCategory('Permanent Magnets')?.id).toBe('permanent-magnets');
    expect(hsEntryOfCategory('permanent-magnets')?.id).toBe('permanent-magnets');
    expect(hsEntryOfCategory('Li-ion batteries')?.id).toBe('lithium-ion');
    expect(hsEntryOfCategory('unicorn horn')).toBeUndefined();
  });
});
