import { primarySuppressionReason, secondarySuppressionPick } from './suppression';

describe('primarySuppressionReason', () => {
  const ok = { consent: true, denominatorCount: 50, numeratorCount: 12 };
  it('publishes a cell with enough denominator and no small count', () => {
    expect(primarySuppressionReason(ok)).toBeNull();
  });
  it('denominator below the threshold (9 < 10), but 10 is enough', () => {
    expect(primarySuppressionReason({ ...ok, denominatorCount: 9 })).toBe('small_denominator');
    expect(primarySuppressionReason({ ...ok, denominatorCount: 10 })).toBeNull();
    expect(primarySuppressionReason({ ...ok, denominatorCount: 15 }, 20)).toBe('small_denominator');
  });
  it('counts 1 to 4 are suppressed, 0 and 5 are not', () => {
    expect(primarySuppressionReason({ ...ok, numeratorCount: 1 })).toBe('small_count');
    expect(primarySuppressionReason({ ...ok, numeratorCount: 4 })).toBe('small_count');
    expect(primarySuppressionReason({ ...ok, numeratorCount: 0 })).toBeNull();
    expect(primarySuppressionReason({ ...ok, numeratorCount: 5 })).toBeNull();
  });
  it('no consent wins over everything', () => {
    expect(primarySuppressionReason({ consent: false, denominatorCount: 3, numeratorCount: 2 })).toBe('no_consent');
  });
});

describe('secondarySuppressionPick', () => {
  it('one hidden cell with a published total: hide the smallest other', () => {
    const cells = [
      { key: 'a', size: 5, hidden: true }, { key: 'b', size: 40, hidden: false }, { key: 'c', size: 12, hidden: false },
    ];
    expect(secondarySuppressionPick(cells, true)).toBe('c');
  });
  it('nothing to do with zero or two hidden cells, or an unpublished total', () => {
    const two = [{ key: 'a', size: 5, hidden: true }, { key: 'b', size: 6, hidden: true }, { key: 'c', size: 12, hidden: false }];
    expect(secondarySuppressionPick(two, true)).toBeNull();
    expect(secondarySuppressionPick([{ key: 'a', size: 5, hidden: false }], true)).toBeNull();
    expect(secondarySuppressionPick([{ key: 'a', size: 5, hidden: true }, { key: 'b', size: 9, hidden: false }], false)).toBeNull();
  });
});
