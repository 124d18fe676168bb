import { meanFunnelLimits, proportionFunnelLimits, ratioFunnelLimits } from './funnels';

describe('proportionFunnelLimits (Wilson-based, PHE)', () => {
  it('p=0.2, n=100, 95%: (2·100·0.2 + z² ± z√(z² + 4·100·0.2·0.8)) / (2(100 + z²))', () => {
    // z²=3.841459; root = 1.959964·√(3.841459+64) = 16.141826; denom = 207.682918
    // low = (40 + 3.841459 - 16.141826)/207.682918 = 0.133367; high = 0.288829
    const l = proportionFunnelLimits(0.2, 100, 0.95)!;
    expect(l.low).toBeCloseTo(0.133367, 5);
    expect(l.high).toBeCloseTo(0.288829, 5);
  });
  it('99.8% limits use z=3.090232 and are wider: [0.105192, 0.347111]', () => {
    const l = proportionFunnelLimits(0.2, 100, 0.998)!;
    expect(l.low).toBeCloseTo(0.105192, 5);
    expect(l.high).toBeCloseTo(0.347111, 5);
  });
  it('narrow with n: limits approach p', () => {
    const l = proportionFunnelLimits(0.3, 1e7, 0.95)!;
    expect(l.high - l.low).toBeLessThan(0.001);
  });
  it('stay within [0, 1] at p = 0 and p = 1', () => {
    expect(proportionFunnelLimits(0, 20, 0.95)!.low).toBe(0);
    expect(proportionFunnelLimits(1, 20, 0.95)!.high).toBe(1);
  });
  it('n = 0 gives none', () => expect(proportionFunnelLimits(0.2, 0, 0.95)).toBeNull());
});

describe('meanFunnelLimits', () => {
  it('mean 7, sd 2, n 16: 7 ± 1.959964·2/4 = [6.020018, 7.979982]', () => {
    const l = meanFunnelLimits(7, 2, 16, 0.95)!;
    expect(l.low).toBeCloseTo(6.020018, 5);
    expect(l.high).toBeCloseTo(7.979982, 5);
  });
});

describe('ratioFunnelLimits (Byar around O = E)', () => {
  it('E=20, 95%: [20(1-1/180-z/(3√20))³, 21(1-1/189+z/(3√21))³]/20 = [0.610571, 1.544494]', () => {
    const l = ratioFunnelLimits(20, 0.95)!;
    expect(l.low).toBeCloseTo(0.610571, 5);
    expect(l.high).toBeCloseTo(1.544494, 5);
  });
  it('E=20, 99.8%: [0.446140, 1.904252]', () => {
    const l = ratioFunnelLimits(20, 0.998)!;
    expect(l.low).toBeCloseTo(0.44614, 5);
    expect(l.high).toBeCloseTo(1.904252, 5);
  });
});
