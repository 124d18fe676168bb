import { ratioChangeTest, twoProportionZTest, welchTTest } from './change';

describe('twoProportionZTest', () => {
  it('30/100 vs 20/100: pooled 0.25, se=√(0.25·0.75·0.02)=0.061237, z=0.1/0.061237=1.632993, not significant', () => {
    const r = twoProportionZTest(30, 100, 20, 100)!;
    expect(r.statistic).toBeCloseTo(1.632993, 5);
    expect(r.significant).toBe(false);
  });
  it('300/1000 vs 200/1000: z = 0.1/√(0.25·0.75·0.002) = 5.163978, significant', () => {
    const r = twoProportionZTest(300, 1000, 200, 1000)!;
    expect(r.statistic).toBeCloseTo(5.163978, 5);
    expect(r.significant).toBe(true);
  });
  it('no test when both proportions are 0 (pooled variance 0) or n = 0', () => {
    expect(twoProportionZTest(0, 50, 0, 40)).toBeNull();
    expect(twoProportionZTest(0, 0, 3, 40)).toBeNull();
  });
});

describe('welchTTest', () => {
  // scipy.stats.ttest_ind([7,8,9,6,10], [5,6,7,5,6,7], equal_var=False): t=2.513123, df=6.0723, p=0.0452
  it('matches scipy for a significant difference', () => {
    const r = welchTTest(5, 40, 330, 6, 36, 220)!;
    expect(r.statistic).toBeCloseTo(2.513123, 5);
    expect(r.significant).toBe(true);
  });
  // ttest_ind([7,8,9,6,10], [6,8,8,6,9,7], equal_var=False): t=0.772667, p=0.4635
  it('matches scipy for a non-significant difference', () => {
    const r = welchTTest(5, 40, 330, 6, 44, 330)!;
    expect(r.statistic).toBeCloseTo(0.772667, 5);
    expect(r.significant).toBe(false);
  });
  it('no test with fewer than 2 respondents', () => {
    expect(welchTTest(1, 7, 49, 6, 44, 330)).toBeNull();
  });
});

describe('ratioChangeTest', () => {
  it('ln(0.3/0.2)/√(1/150 + 1/100) = 0.405465/0.129099 = 3.140719', () => {
    const r = ratioChangeTest(0.3, 150, 0.2, 100)!;
    expect(r.statistic).toBeCloseTo(3.140719, 5);
    expect(r.significant).toBe(true);
  });
  it('no test when a year has no observed exits', () => {
    expect(ratioChangeTest(0.3, 0, 0.2, 100)).toBeNull();
  });
});
