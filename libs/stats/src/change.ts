/** Tests for year-on-year change, all two-sided at the 5% level. */
import { varianceFromSums } from './intervals';
import { normalQuantile, studentTQuantile } from './quantiles';

export interface ChangeTest { statistic: number; critical: number; significant: boolean }

const Z_975 = normalQuantile(0.975);

/** Two-proportion z test with pooled proportion; null when it cannot be computed (n = 0, or pooled p is 0 or 1). */
export function twoProportionZTest(x1: number, n1: number, x0: number, n0: number): ChangeTest | null {
  if (!(n1 > 0 && n0 > 0)) return null;
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (!(se > 0)) return null;
  const statistic = (x1 / n1 - x0 / n0) / se;
  return { statistic, critical: Z_975, significant: Math.abs(statistic) > Z_975 };
}

/** Welch's t test for two means given as n, sum and sum of squares (Welch–Satterthwaite df). */
export function welchTTest(
  n1: number, sum1: number, sumsq1: number, n0: number, sum0: number, sumsq0: number,
): ChangeTest | null {
  const v1 = varianceFromSums(n1, sum1, sumsq1);
  const v0 = varianceFromSums(n0, sum0, sumsq0);
  if (v1 === null || v0 === null) return null;
  const a = v1 / n1;
  const b = v0 / n0;
  if (!(a + b > 0)) return null;
  const df = ((a + b) * (a + b)) / ((a * a) / (n1 - 1) + (b * b) / (n0 - 1));
  const statistic = (sum1 / n1 - sum0 / n0) / Math.sqrt(a + b);
  const critical = studentTQuantile(0.975, df);
  return { statistic, critical, significant: Math.abs(statistic) > critical };
}

/**
 * Change in an indirectly standardised rate: z on the log scale, Var(ln O/E) ≈ 1/O for Poisson O
 * (the expected counts and national rates are treated as fixed).
 */
export function ratioChangeTest(value1: number, observed1: number, value0: number, observed0: number): ChangeTest | null {
  if (!(observed1 > 0 && observed0 > 0 && value1 > 0 && value0 > 0)) return null;
  const statistic = Math.log(value1 / value0) / Math.sqrt(1 / observed1 + 1 / observed0);
  return { statistic, critical: Z_975, significant: Math.abs(statistic) > Z_975 };
}
