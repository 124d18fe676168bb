/** Confidence intervals for the three metric methods: Wilson (proportion), t (mean), Byar (observed/expected). */
import { normalQuantile, studentTQuantile } from './quantiles';

export interface Interval { low: number; high: number }

const zFor = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);

/** Wilson score interval for x successes out of n; null when n = 0 or x is outside 0..n. */
export function wilsonInterval(x: number, n: number, confidence = 0.95): Interval | null {
  if (!(n > 0 && x >= 0 && x <= n)) return null;
  const z = zFor(confidence);
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z / (n + z2)) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  // At x = 0 and x = n the limits are exactly 0 and 1; set them so rounding cannot move them.
  return { low: x <= 0 ? 0 : Math.max(0, centre - half), high: x >= n ? 1 : Math.min(1, centre + half) };
}

/** Sample variance from n, the sum and the sum of squares; null for n < 2. Clamped at 0 against rounding. */
export function varianceFromSums(n: number, sum: number, sumOfSquares: number): number | null {
  if (!(n >= 2)) return null;
  return Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
}

/** t interval for a mean from n, the sum and the sum of squares; null for n < 2 (no variance estimate). */
export function tMeanInterval(n: number, sum: number, sumOfSquares: number, confidence = 0.95): Interval | null {
  const variance = varianceFromSums(n, sum, sumOfSquares);
  if (variance === null) return null;
  const mean = sum / n;
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return { low: mean - half, high: mean + half };
}

/** Byar's approximation to the exact Poisson limits of an observed count O. */
export function byarCountLimits(observed: number, z: number): Interval {
  const o = observed;
  const low = o === 0 ? 0 : o * Math.pow(1 - 1 / (9 * o) - z / (3 * Math.sqrt(o)), 3);
  const o1 = o + 1;
  const high = o1 * Math.pow(1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1)), 3);
  return { low, high };
}

/** Byar interval for the ratio observed / expected; null when expected is 0. */
export function byarRatioInterval(observed: number, expected: number, confidence = 0.95): Interval | null {
  if (!(expected > 0)) return null;
  const limits = byarCountLimits(observed, zFor(confidence));
  return { low: limits.low / expected, high: limits.high / expected };
}
