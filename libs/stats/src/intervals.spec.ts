import { byarRatioInterval, tMeanInterval, wilsonInterval } from './intervals';

const z = 1.959963984540054;

describe('wilsonInterval', () => {
  it('15 of 50, by hand: centre=(15+z²/2)/(50+z²), half=z/(50+z²)·√(15·35/50+z²/4)', () => {
    // z² = 3.841459; centre = 16.920729/53.841459 = 0.314271; half = 0.036400·√(10.5+0.960365) = 0.123234
    const ci = wilsonInterval(15, 50)!;
    expect(ci.low).toBeCloseTo(0.191036, 5);
    expect(ci.high).toBeCloseTo(0.437504, 5);
  });
  it('0 of 10: lower limit is exactly 0, upper = z²/(n+z²) = 3.841459/13.841459 = 0.277533', () => {
    const ci = wilsonInterval(0, 10)!;
    expect(ci.low).toBe(0);
    expect(ci.high).toBeCloseTo(z * z / (10 + z * z), 8);
    expect(ci.high).toBeCloseTo(0.277533, 5);
  });
  it('10 of 10: upper limit is 1, lower = 10/13.841459 = 0.722467', () => {
    const ci = wilsonInterval(10, 10)!;
    expect(ci.high).toBe(1);
    expect(ci.low).toBeCloseTo(0.722467, 5);
  });
  it('n = 1: 1 of 1 gives [1/(1+z²), 1] = [0.206549, 1]; 0 of 1 gives [0, 0.793451]', () => {
    expect(wilsonInterval(1, 1)!.low).toBeCloseTo(0.206549, 5);
    expect(wilsonInterval(1, 1)!.high).toBe(1);
    expect(wilsonInterval(0, 1)!.high).toBeCloseTo(0.793451, 5);
  });
  it('n = 0, or x outside 0..n, has no interval', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
  });
  it('99.8% is wider than 95%', () => {
    const a = wilsonInterval(15, 50)!;
    const b = wilsonInterval(15, 50, 0.998)!;
    expect(b.low).toBeLessThan(a.low);
    expect(b.high).toBeGreaterThan(a.high);
  });
});

describe('tMeanInterval', () => {
  it('scores 7,8,9,6,10: n=5, sum=40, sumsq=330 -> mean 8, s²=(330-320)/4=2.5, half=2.776445·√0.5=1.963243', () => {
    const ci = tMeanInterval(5, 40, 330)!;
    expect(ci.low).toBeCloseTo(6.036757, 5);
    expect(ci.high).toBeCloseTo(9.963243, 5);
  });
  it('all scores equal: zero-width interval at the mean', () => {
    expect(tMeanInterval(4, 28, 196)).toEqual({ low: 7, high: 7 });
  });
  it('n = 1 and n = 0 give no interval (no variance estimate)', () => {
    expect(tMeanInterval(1, 8, 64)).toBeNull();
    expect(tMeanInterval(0, 0, 0)).toBeNull();
  });
});

describe('byarRatioInterval', () => {
  it('O=10, E=8 by hand: low = 10(1 - 1/90 - z/(3√10))³/8, high = 11(1 - 1/99 + z/(3√11))³/8', () => {
    // 1 - 0.011111 - 0.206598 = 0.782291, cubed 0.478745, ×10/8 = 0.598431
    // 1 - 0.010101 + 0.196980 = 1.186879, cubed 1.671950, ×11/8 = 2.298932
    const ci = byarRatioInterval(10, 8)!;
    expect(ci.low).toBeCloseTo(0.598431, 5);
    expect(ci.high).toBeCloseTo(2.298932, 5);
  });
  it('is close to the exact Poisson (chi-square) limits for O=100, E=120: [0.678033, 1.013557]', () => {
    const ci = byarRatioInterval(100, 120)!;
    expect(ci.low).toBeCloseTo(0.678033, 4);
    expect(ci.high).toBeCloseTo(1.013557, 4);
  });
  it('O = 0: lower limit 0, upper = (1 - 1/9 + z/3)³/E', () => {
    const ci = byarRatioInterval(0, 5)!;
    expect(ci.low).toBe(0);
    expect(ci.high).toBeCloseTo(Math.pow(1 - 1 / 9 + z / 3, 3) / 5, 8);
    expect(ci.high).toBeCloseTo(0.733602, 5);
  });
  it('E = 0 has no interval', () => {
    expect(byarRatioInterval(3, 0)).toBeNull();
  });
});
