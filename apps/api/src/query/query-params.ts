/**
 * Validation of public query parameters. Every problem is a 400 that names the parameter and, where the
 * set is known, the allowed values; values are checked against the release being read.
 */
import { BadRequestException } from '@nestjs/common';
import { CLIENT_GROUPS, GRAINS, grainOfPeriod, LEVELS, METRIC_CODES } from '@uitkomst/domain';
import type { LoadedRelease } from './release-store';

export type RawQuery = Record<string, unknown>;

export const FORMATS = ['json', 'csv', 'csv-excel', 'arrow'] as const;
export type ResponseFormat = (typeof FORMATS)[number];
export const CLIENT_GROUP_CODES = [...CLIENT_GROUPS, 'all'];
const MAX_ALLOWED_LISTED = 500;

export function badParameter(parameter: string, message: string, allowed?: readonly string[]): BadRequestException {
  const listed = allowed && allowed.length > MAX_ALLOWED_LISTED ? [...allowed.slice(0, MAX_ALLOWED_LISTED), '...'] : allowed;
  const hint = listed ? `; allowed: ${listed.slice(0, 40).join(', ')}${listed.length > 40 ? ', ...' : ''}` : '';
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', parameter, message: `${parameter}: ${message}${hint}`, ...(listed ? { allowed: listed } : {}) });
}

/** Rejects parameters the endpoint does not know (a typo must not silently widen the result). */
export function assertKnownParams(query: RawQuery, known: readonly string[]) {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) throw badParameter(name, 'unknown parameter', known);
  }
}

/** A comma-separated (or repeated) parameter as a sorted, de-duplicated list; [] when absent. */
export function listParam(query: RawQuery, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).map((v) => {
    if (typeof v !== 'string') throw badParameter(name, 'must be a string or a comma-separated list');
    return v;
  }).join(',').split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw badParameter(name, 'empty value in list');
  if (parts.some((p) => p.length > 60)) throw badParameter(name, 'value too long');
  return [...new Set(parts)].sort();
}

export function singleParam(query: RawQuery, name: string): string | undefined {
  const list = listParam(query, name);
  if (list.length > 1) throw badParameter(name, 'takes one value');
  return list[0];
}

export function requireParam(query: RawQuery, name: string): string {
  const v = singleParam(query, name);
  if (v === undefined) throw badParameter(name, 'is required');
  return v;
}

export function checkAllowed(name: string, values: string[], allowed: readonly string[]): string[] {
  for (const v of values) if (!allowed.includes(v)) throw badParameter(name, `unknown value "${v}"`, allowed);
  return values;
}

export const checkMetric = (name: string, values: string[]) => checkAllowed(name, values, METRIC_CODES);
export const checkLevel = (name: string, values: string[]) => checkAllowed(name, values, LEVELS);
export const checkGrain = (name: string, values: string[]) => checkAllowed(name, values, GRAINS);
export const checkClientGroup = (name: string, values: string[]) => checkAllowed(name, values, CLIENT_GROUP_CODES);

/** Period codes must be well formed; with `grain` given they must be of that grain. Returns their grain. */
export function checkPeriodFormat(name: string, periods: string[], grain?: string): string | undefined {
  let found: string | undefined;
  for (const p of periods) {
    const g = grainOfPeriod(p);
    if (!g) throw badParameter(name, `"${p}" is not a period; write 2025 (year), 2025-Q3 (quarter), 2025-07 (month) or R12-2025-07 (rolling 12 months)`);
    if (grain && g !== grain) throw badParameter(name, `"${p}" is a ${g} period but grain is ${grain}`);
    found ??= g;
  }
  return found;
}

/** Periods must exist in the release at their grain. */
export function checkPeriodsInRelease(name: string, rel: LoadedRelease, periods: string[]) {
  for (const p of periods) {
    const grain = grainOfPeriod(p)!;
    const known = rel.periodsByGrain.get(grain) ?? [];
    if (!known.includes(p)) throw badParameter(name, `period "${p}" is not in release ${rel.id}`, known);
  }
}

export function checkUnitsInRelease(name: string, rel: LoadedRelease, units: string[], levels: string[] = []) {
  // a lookup per unit on the hot path; the list of allowed units is only built for the error
  const published = (u: string) => rel.unitLevel.has(u) && (levels.length === 0 || levels.includes(rel.unitLevel.get(u)!));
  for (const u of units) {
    if (published(u)) continue;
    const allowed = levels.length ? levels.flatMap((l) => rel.unitsByLevel.get(l) ?? []) : [...rel.unitLevel.keys()];
    throw badParameter(name, `unit "${u}" is not published${levels.length ? ` at level ${levels.join(', ')}` : ''} in release ${rel.id}`, allowed);
  }
}

/** First and last day covered by a period code (for from/to). */
export function periodBounds(period: string): { start: string; end: string } {
  const g = grainOfPeriod(period);
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (g === 'year') return { start: `${period}-01-01`, end: `${period}-12-31` };
  if (g === 'quarter') {
    const y = Number(period.slice(0, 4));
    const q = Number(period.slice(6));
    return { start: iso(y, q * 3 - 2, 1), end: iso(y, q * 3, lastDay(y, q * 3)) };
  }
  const ym = period.replace(/^R12-/, '');
  const y = Number(ym.slice(0, 4));
  const m = Number(ym.slice(5, 7));
  if (g === 'month') return { start: iso(y, m, 1), end: iso(y, m, lastDay(y, m)) };
  const sm = m === 12 ? 1 : m + 1;
  return { start: iso(m === 12 ? y : y - 1, sm, 1), end: iso(y, m, lastDay(y, m)) };
}
