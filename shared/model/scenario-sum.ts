/**
 * Exact sums of doubles, so a scenario's portfolio figures do not depend on how its suppliers were split into scan
 * segments or in which order the pieces were merged (floating-point addition is not associative). Every finite
 * double is an integer number of 2^-1074 (the smallest subnormal), so the sum is a BigInt of those units. Pure.
 */

/** A sum in units of 2^-1074. */
export type ExactSum = bigint;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const MANTISSA_BITS = 0xfffffffffffffn;
const HIDDEN_BIT = 0x10000000000000n;

/** `x` (finite) as an exact number of units of 2^-1074. */
export function toUnits(x: number): ExactSum {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x === 0) return 0n;
  f64[0] = Math.abs(x);
  const bits = u64[0] as bigint;
  const exponent = Number(bits >> 52n);
  const fraction = bits & MANTISSA_BITS;
  // normal: (2^52 + fraction) · 2^(exponent − 1075) = (2^52 + fraction) · 2^(exponent − 1) units; subnormal: fraction.
  const units = exponent === 0 ? fraction : (fraction | HIDDEN_BIT) << BigInt(exponent - 1);
  return x < 0 ? -units : units;
}

/**
 * The sum as a double: deterministic for a given exact sum (what the split-invariance needs), within an ulp or two
 * of the true value. The BigInt is shifted to ≤ 1000 bits first so its conversion cannot overflow.
 */
export function fromUnits(sum: ExactSum): number {
  const negative = sum < 0n;
  let units = negative ? -sum : sum;
  let scale = -1074;
  const bits = units.toString(2).length;
  if (bits > 1000) {
    units >>= BigInt(bits - 1000);
    scale += bits - 1000;
  }
  // Two steps: 2^-1074 alone is subnormal and would round the product.
  const half = Math.trunc(scale / 2);
  const value = Number(units) * 2 ** half * 2 ** (scale - half);
  return negative ? -value : value;
}
