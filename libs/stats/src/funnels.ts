/**
 * Funnel-plot control limits around a national value for a unit with a given denominator,
 * following the Public Health England / Fingertips funnel-plot methods.
 */
import { byarCountLimits, Interval } from './intervals';
import { normalQuantile } from './quantiles';

/** Two-sided limit level 0.95 or 0.998 -> z. */
const zFor = (level: number) => normalQuantile(1 - (1 - level) / 2);

/**
 * Proportions: the Wilson score interval evaluated at the national proportion p for denominator n
 * (PHE "Wilson-based" funnel limits): (2np + z² ± z√(z² + 4np(1-p))) / (2(n + z²)).
 */
export function proportionFunnelLimits(nationalProportion: number, n: number, level: number): Interval | null {
  if (!(n > 0 && nationalProportion >= 0 && nationalProportion <= 1)) return null;
  const p = nationalProportion;
  const z = zFor(level);
  const root = z * Math.sqrt(z * z + 4 * n * p * (1 - p));
  const denom = 2 * (n + z * z);
  return { low: Math.max(0, (2 * n * p + z * z - root) / denom), high: Math.min(1, (2 * n * p + z * z + root) / denom) };
}

/** Means: national mean ± z · national SD / √n (normal approximation, as PHE does for means). */
export function meanFunnelLimits(nationalMean: number, nationalSd: number, n: number, level: number): Interval | null {
  if (!(n > 0)) return null;
  const half = (zFor(level) * nationalSd) / Math.sqrt(n);
  return { low: nationalMean - half, high: nationalMean + half };
}

/**
 * Indirectly standardised ratios: Byar's limits for a Poisson count whose expectation is E, divided by E,
 * so the limits are on the ratio scale around 1 (PHE method for standardised ratios).
 */
export function ratioFunnelLimits(expected: number, level: number): Interval | null {
  if (!(expected > 0)) return null;
  const limits = byarCountLimits(expected, zFor(level));
  return { low: limits.low / expected, high: limits.high / expected };
}
