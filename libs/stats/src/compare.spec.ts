import { compareWithDistribution, compareWithInterval, quantileCont } from './compare';

describe('compareWithInterval', () => {
  it('interval above the national value: better when higher is better, worse when lower is better', () => {
    expect(compareWithInterval(0.3, 0.4, 0.25, 'higher_is_better')).toBe('better');
    expect(compareWithInterval(0.3, 0.4, 0.25, 'lower_is_better')).toBe('worse');
  });
  it('interval below the national value', () => {
    expect(compareWithInterval(0.1, 0.2, 0.25, 'higher_is_better')).toBe('worse');
    expect(compareWithInterval(0.1, 0.2, 0.25, 'lower_is_better')).toBe('better');
  });
  it('interval containing the national value (also at the edge) is similar', () => {
    expect(compareWithInterval(0.2, 0.3, 0.25, 'higher_is_better')).toBe('similar');
    expect(compareWithInterval(0.25, 0.3, 0.25, 'higher_is_better')).toBe('similar');
  });
  it('missing pieces are not comparable', () => {
    expect(compareWithInterval(null, 0.3, 0.25, 'higher_is_better')).toBe('not_comparable');
    expect(compareWithInterval(0.2, 0.3, null, 'higher_is_better')).toBe('not_comparable');
  });
});

describe('quantileCont', () => {
  it('type-7 interpolation: quartiles of 1..5 are 2 and 4; of [10,20,30,40] are 17.5 and 32.5', () => {
    expect(quantileCont([5, 1, 3, 2, 4], 0.25)).toBe(2);
    expect(quantileCont([5, 1, 3, 2, 4], 0.75)).toBe(4);
    expect(quantileCont([10, 20, 30, 40], 0.25)).toBe(17.5);
    expect(quantileCont([10, 20, 30, 40], 0.75)).toBe(32.5);
  });
});

describe('compareWithDistribution (cost, lead time)', () => {
  it('below the first quartile is better when lower is better', () => {
    expect(compareWithDistribution(100, 120, 200, 10, 'lower_is_better')).toBe('better');
    expect(compareWithDistribution(250, 120, 200, 10, 'lower_is_better')).toBe('worse');
    expect(compareWithDistribution(150, 120, 200, 10, 'lower_is_better')).toBe('similar');
  });
  it('needs at least 5 units', () => {
    expect(compareWithDistribution(100, 120, 200, 4, 'lower_is_better')).toBe('not_comparable');
  });
});
