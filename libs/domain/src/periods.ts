/** Period codes: 2025 (year), 2025-Q3 (quarter), 2025-07 (month), R12-2025-07 (12 months up to July 2025). */
import type { Grain } from './metrics';

export const FIRST_PERIOD_YEAR = 2010;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(value: string): { year: number; month: number } | null {
  const m = MONTH.exec(value);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

export function grainOfPeriod(period: string): Grain | null {
  if (/^\d{4}$/.test(period)) return 'year';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarter';
  if (MONTH.test(period)) return 'month';
  if (/^R12-\d{4}-(0[1-9]|1[0-2])$/.test(period)) return 'rolling12';
  return null;
}

/** First day of the month as ISO date, e.g. 2025-07 -> 2025-07-01. */
export function monthStart(period: string): string {
  return `${period}-01`;
}
