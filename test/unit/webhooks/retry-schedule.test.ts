import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JITTER,
  MAX_ATTEMPTS,
  nextRetryDelay,
  RETRY_DELAYS_MS,
  retrySchedule,
} from '../../../shared/webhooks/retry-schedule.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const middle = () => 0.5;

describe('the retry schedule', () => {
  it('is the schedule Svix documents: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; eight attempts in all', () => {
    expect(retrySchedule(middle)).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it('gives up about a day after the first attempt: the last attempt comes after 24 h and before 30 h', () => {
    const lastAttemptAt = (random: () => number) => retrySchedule(random).reduce((a, b) => a + b, 0);
    expect(lastAttemptAt(middle)).toBe(27 * H + 35 * M + 5 * S);
    expect(lastAttemptAt(() => 0)).toBeGreaterThan(24 * H);
    expect(lastAttemptAt(() => 0.999_999)).toBeLessThan(31 * H);
  });

  it('backs off: each nominal delay is at least the one before, and grows overall by more than 5,000 times', () => {
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) {
      expect(RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1] ?? 0);
    }
    expect((RETRY_DELAYS_MS.at(-1) ?? 0) / (RETRY_DELAYS_MS[0] ?? 1)).toBeGreaterThan(5000);
  });

  it('jitters every delay within ±10 % of its nominal value, and not all retries of a burst land together', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_ATTEMPTS - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failed, r) => {
          const nominal = RETRY_DELAYS_MS[failed - 1] ?? 0;
          const delay = nextRetryDelay(failed, () => r) ?? -1;
          expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * (1 - JITTER)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(nominal * (1 + JITTER)));
        },
      ),
    );
    const burst = new Set(Array.from({ length: 50 }, () => nextRetryDelay(3)));
    expect(burst.size).toBeGreaterThan(40);
  });

  it('after the eighth failed attempt there is no retry left: the delivery is dead-lettered', () => {
    expect(nextRetryDelay(1, middle)).toBe(5 * S);
    expect(nextRetryDelay(7, middle)).toBe(10 * H);
    expect(nextRetryDelay(8, middle)).toBeNull();
    expect(nextRetryDelay(100, middle)).toBeNull();
    expect(() => nextRetryDelay(0)).toThrow(RangeError);
  });
});
