/** Queue bodies carry any text SQS refuses, escaped, and read back exactly; the largest valid supplier fits a message. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_EXPOSURES_PER_SUPPLIER,
  MAX_SUPPLIER_ID_LENGTH,
  MAX_SUPPLIER_NAME_LENGTH,
} from '../../../shared/model/limits.ts';
import type { SupplierInput } from '../../../shared/model/types.ts';
import { chunkMessages, scoreMessageSchema, sqsSafeJson } from '../../../shared/queue/message.ts';

/** What SQS accepts in a body (its documented set), checked independently of the encoder's own expression. */
function sqsAccepts(body: string): boolean {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = body.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
    if (!(c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)))
      return false;
  }
  return true;
}

const base = { v: 1, kind: 'upsert', tenant: 't-1', batchId: 'b-1', asOf: null, buyerCountry: 'US' } as const;

const supplier = (id: string, name: string, lines = 1): SupplierInput => ({
  supplierId: id,
  supplierName: name,
  supplierCountry: 'DE',
  annualSpendUsd: 123_456_789.123,
  tier: 10,
  alternativeSources: 1000,
  inventoryDays: 3650,
  exposures: Array.from({ length: lines }, (_, i) => ({
    mineral: 'platinum-group metals'.padEnd(64, 'x'),
    originCountry: 'CN',
    processingCountry: 'CD',
    share: i === 0 ? 0.123456789012345 : 1e-9 * i,
  })),
});

describe('sqsSafeJson', () => {
  it('every string, any code units (lone surrogates, U+FFFE, U+FFFF, controls): SQS accepts the body and JSON reads it back exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary-ascii' }), (a, b) => {
        const value = { a, nested: [b, { c: `${a}\uffff${b}\ufffe` }] };
        const body = sqsSafeJson(value);
        expect(sqsAccepts(body)).toBe(true);
        expect(JSON.parse(body)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('is JSON.stringify when nothing needs escaping', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const plain = JSON.stringify(v);
        if (sqsAccepts(plain)) expect(sqsSafeJson(v)).toBe(plain);
      }),
    );
  });
});

describe('a score message', () => {
  it('of a supplier whose name holds U+FFFF (stored before the edge refused it) is accepted by SQS and parses back', () => {
    const s = supplier('S-1', 'Nordmag \uffff Magnetics \ufffe');
    const [m] = [...chunkMessages(base, [{ inputVersion: 1, input: s }])];
    expect(sqsAccepts(m?.body ?? '')).toBe(true);
    const parsed = scoreMessageSchema.parse(JSON.parse(m?.body ?? ''));
    expect(parsed.suppliers[0]?.input.supplierName).toBe(s.supplierName);
  });

  it('of the largest supplier the limits allow fits one SQS message (256 KiB), escapes and all', () => {
    // Every character of the id and name escaped as \uXXXX (6 bytes each), 500 lines with the longest mineral id.
    const s = supplier(
      '\uffff'.repeat(MAX_SUPPLIER_ID_LENGTH),
      '\uffff'.repeat(MAX_SUPPLIER_NAME_LENGTH),
      MAX_EXPOSURES_PER_SUPPLIER,
    );
    const messages = [...chunkMessages(base, [{ inputVersion: Number.MAX_SAFE_INTEGER, input: s }])];
    expect(messages).toHaveLength(1);
    const bytes = Buffer.byteLength(messages[0]?.body ?? '', 'utf8');
    expect(bytes).toBeLessThan(256 * 1024);
    expect(sqsAccepts(messages[0]?.body ?? '')).toBe(true);
  });
});
