import { normalQuantile, studentTCdf, studentTQuantile, studentTQuantileHill } from './quantiles';

describe('normalQuantile', () => {
  it.each([
    [0.975, 1.959964], [0.999, 3.090232], [0.5, 0], [0.025, -1.959964], [0.9, 1.281552], [0.001, -3.090232], [0.01, -2.326348],
  ])('z(%p) = %p (published tables)', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 6);
  });
  it('rejects p outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('studentTQuantile', () => {
  // Published t tables (4 decimals) and scipy.stats.t.ppf (8 decimals) for the larger set.
  it.each([
    [0.975, 1, 12.7062], [0.975, 2, 4.3027], [0.975, 10, 2.2281], [0.975, 30, 2.0423], [0.975, 4, 2.7764],
    [0.999, 1, 318.3088], [0.999, 10, 4.1437], [0.9, 5, 1.4759],
  ])('t(%p, df=%p) = %p', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 4);
  });
  it('df = 1 equals the Cauchy closed form tan(π(p - 1/2))', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
  });
  it('df = 2 equals the closed form (2p-1)/sqrt(2p(1-p))', () => {
    const p = 0.975;
    expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
  });
  it('accepts fractional df (Welch): scipy t.ppf(0.975, 2.5) = 3.57465484', () => {
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.57465484, 6);
  });
  it('tends to the normal quantile for large df', () => {
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
  });
  it('is symmetric', () => {
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-studentTQuantile(0.975, 7), 10);
  });
  it('inverts the CDF', () => {
    expect(studentTCdf(studentTQuantile(0.9, 3), 3)).toBeCloseTo(0.9, 10);
  });
});

describe('studentTQuantileHill (the closed form used in SQL)', () => {
  it.each([1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 60, 120, 500, 3.5, 13.7])('matches the exact quantile for df=%p', (df) => {
    for (const p of [0.9, 0.975, 0.999]) {
      const exact = studentTQuantile(p, df);
      expect(Math.abs(studentTQuantileHill(p, df) - exact) / exact).toBeLessThan(Number.isInteger(df) ? 2e-6 : 3e-5);
    }
  });
});
