import type { Grain } from '@uitkomst/domain/metrics';
import { grainOfPeriod } from '@uitkomst/domain/periods';
import type { UnitLevel } from '../api/types';

export type ViewLevel = Exclude<UnitLevel, 'national'>;
export const VIEW_LEVELS: readonly ViewLevel[] = ['region', 'municipality', 'site'];

/** The adjusted variant exists for outflow to work only. */
export function effectiveMetric(metric: string, adjusted: boolean): string {
  return adjusted && metric === 'outflow_to_work' ? 'outflow_to_work_adjusted' : metric;
}

export function levelOfUnit(code: string): UnitLevel {
  if (/^AM\d{2}$/.test(code)) return 'region';
  if (/^GM\d{4}$/.test(code)) return 'municipality';
  if (code === 'NL' || code === 'national') return 'national';
  return 'site';
}

export function asLevel(value: string | undefined, fallback: ViewLevel = 'region'): ViewLevel {
  return (VIEW_LEVELS as readonly string[]).includes(value ?? '') ? (value as ViewLevel) : fallback;
}

/** The chosen period if the release has it, else the newest period of the same grain (else the newest year). */
export function resolvePeriod(chosen: string | undefined, periods: Record<Grain, string[]>): string | null {
  const grain = (chosen && grainOfPeriod(chosen)) || 'year';
  if (chosen && periods[grain]?.includes(chosen)) return chosen;
  return periods[grain]?.[0] ?? periods.year[0] ?? periods.quarter[0] ?? periods.month[0] ?? null;
}
