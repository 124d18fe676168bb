/** Comparison of a unit with the national value, taking polarity into account. */
import type { Comparison, Polarity } from '@uitkomst/domain';

function byDirection(direction: 'higher' | 'lower' | 'same', polarity: Polarity): Comparison {
  if (direction === 'same') return 'similar';
  if (polarity === 'none') return 'not_comparable';
  const higherIsBetter = polarity === 'higher_is_better';
  return (direction === 'higher') === higherIsBetter ? 'better' : 'worse';
}

/** Better/worse only when the 95% interval excludes the national value; similar when it contains it. */
export function compareWithInterval(
  ciLow: number | null, ciHigh: number | null, nationalValue: number | null, polarity: Polarity,
): Comparison {
  if (ciLow == null || ciHigh == null || nationalValue == null) return 'not_comparable';
  if (ciLow > nationalValue) return byDirection('higher', polarity);
  if (ciHigh < nationalValue) return byDirection('lower', polarity);
  return byDirection('same', polarity);
}

/** Linear-interpolation quantile (type 7, as DuckDB quantile_cont). */
export function quantileCont(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const MIN_UNITS_FOR_DISTRIBUTION = 5;

/**
 * For metrics without a sampling interval (costs, lead time): better/worse when the value lies outside the
 * inter-quartile range of the units of the same level, metric, period and client group; similar inside it.
 */
export function compareWithDistribution(
  value: number | null, q1: number | null, q3: number | null, unitCount: number, polarity: Polarity,
): Comparison {
  if (value == null || q1 == null || q3 == null || unitCount < MIN_UNITS_FOR_DISTRIBUTION) return 'not_comparable';
  if (value < q1) return byDirection('lower', polarity);
  if (value > q3) return byDirection('higher', polarity);
  return byDirection('same', polarity);
}
