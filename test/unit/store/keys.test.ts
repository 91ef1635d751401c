/** The key formats of keys.ts: what reads a key back (ids, cursor patterns, bounds) agrees with what builds it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchPk,
  CHANGE_SK_PATTERN,
  CHANGE_SK_PREFIX,
  changeSk,
  changesPk,
  DELIVERY_SK_PATTERN,
  deliverySk,
  ERROR_SK_MAX,
  errorSk,
  isBatchPk,
  POLICY_REVISION_SK_PREFIX,
  policyRevisionSk,
  supplierIdOfPk,
  supplierPk,
  TENANT_PK_PREFIX,
} from '../../../shared/store/keys.ts';

const tenant = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const sequence = fc.integer({ min: 0, max: 9_999_999_999 });

describe('key formats', () => {
  it('a supplier partition key gives back its supplier id, whatever the id holds', () => {
    fc.assert(
      fc.property(tenant, fc.string({ minLength: 1, maxLength: 128 }), (t, id) => {
        const pk = supplierPk(t, id);
        expect(pk.startsWith(TENANT_PK_PREFIX)).toBe(true);
        expect(supplierIdOfPk(pk)).toBe(id);
      }),
    );
  });

  it('sequence keys match their cursor patterns and prefixes, and sort as their numbers', () => {
    fc.assert(
      fc.property(sequence, sequence, (a, b) => {
        expect(changeSk(a)).toMatch(CHANGE_SK_PATTERN);
        expect(changeSk(a).startsWith(CHANGE_SK_PREFIX)).toBe(true);
        expect(policyRevisionSk(a).startsWith(POLICY_REVISION_SK_PREFIX)).toBe(true);
        expect(Math.sign(changeSk(a).localeCompare(changeSk(b)))).toBe(Math.sign(a - b));
        expect(errorSk(a) <= ERROR_SK_MAX).toBe(true);
      }),
    );
  });

  it("a batch's partition key is told apart from the tenant's other partitions", () => {
    fc.assert(
      fc.property(
        tenant,
        fc.string({ minLength: 1, maxLength: 64 }).map((s) => `${s}#B#`),
        (t, id) => {
          expect(isBatchPk(batchPk(t, id))).toBe(true);
          expect(isBatchPk(supplierPk(t, id))).toBe(false);
          expect(isBatchPk(changesPk(t, id))).toBe(false);
        },
      ),
    );
  });

  it('a delivery key matches the delivery cursor pattern', () => {
    expect(deliverySk('dlv_20261110t000000_abc')).toMatch(DELIVERY_SK_PATTERN);
    expect('WH#x').not.toMatch(DELIVERY_SK_PATTERN);
  });
});
