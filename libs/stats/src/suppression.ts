/** Statistical disclosure control for published cells. Mirrors the SQL in dbt-like-sql (int_suppression_*). */

export type SuppressionReason = 'no_consent' | 'small_denominator' | 'small_count' | 'secondary';

export interface PrimaryInput {
  consent: boolean;
  denominatorCount: number | null; // persons behind the denominator
  numeratorCount: number | null; // null when the numerator is not a count of persons (euros, days)
}

export const DEFAULT_MIN_DENOMINATOR = 10;
export const SMALL_COUNT_MAX = 4;

/** First applicable primary reason, in priority order no_consent > small_denominator > small_count. */
export function primarySuppressionReason(cell: PrimaryInput, minDenominator = DEFAULT_MIN_DENOMINATOR): SuppressionReason | null {
  if (!cell.consent) return 'no_consent';
  if (cell.denominatorCount == null || cell.denominatorCount < minDenominator) return 'small_denominator';
  if (cell.numeratorCount != null && cell.numeratorCount >= 1 && cell.numeratorCount <= SMALL_COUNT_MAX) return 'small_count';
  return null;
}

export interface SiblingCell { key: string; size: number; hidden: boolean }

/**
 * One round of secondary suppression within a family of cells that add up to a published total:
 * when exactly one cell is hidden and the total is published, the hidden cell could be recovered by
 * subtraction, so the smallest other cell (ties: first key) is hidden as well. Returns the key to hide, if any.
 */
export function secondarySuppressionPick(cells: readonly SiblingCell[], totalPublished: boolean): string | null {
  if (!totalPublished) return null;
  const hidden = cells.filter((c) => c.hidden);
  if (hidden.length !== 1) return null;
  const candidates = cells.filter((c) => !c.hidden).sort((a, b) => a.size - b.size || a.key.localeCompare(b.key));
  return candidates[0]?.key ?? null;
}
