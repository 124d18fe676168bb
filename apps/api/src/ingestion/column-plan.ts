/**
 * Reads a file's column names against the schema: the four key columns plus either `measure` and `value`
 * (long layout) or one column per catalogue measure (wide layout). Any other column is refused, which is
 * how person-level data is kept out. Names match after trimming, case-insensitively.
 */
import { MEASURE_CODES } from '@uitkomst/domain';
import type { SubmissionError } from '../submissions/submission.entity';

export const KEY_COLUMNS = ['site_code', 'municipality_code', 'period', 'client_group'] as const;
export type KeyColumn = (typeof KEY_COLUMNS)[number];
export type Layout = 'long' | 'wide';

export interface ColumnPlan {
  layout: Layout | null;
  /** 1-based positions of the key columns in the file (DuckDB `#n`). */
  keys: Partial<Record<KeyColumn, number>>;
  measure?: number;
  value?: number;
  measureColumns: { code: string; position: number }[];
  errors: SubmissionError[];
  /** True when the rows can be checked (every required column is present exactly once). */
  complete: boolean;
}

export function planColumns(names: string[], headerRow: number | null, measureCodes: readonly string[] = MEASURE_CODES): ColumnPlan {
  const normalised = names.map((n) => n.trim().toLowerCase());
  const errors: SubmissionError[] = [];
  const err = (column: string | null, code: string, message: string) => errors.push({ row: headerRow, column, code, message });
  const seen = new Map<string, number>();
  normalised.forEach((n, i) => {
    if (seen.has(n)) err(shownName(names[i]), 'DUPLICATE_COLUMN', `The column "${shownName(names[i])}" appears more than once.`);
    else seen.set(n, i + 1);
  });
  const isLong = seen.has('measure') || seen.has('value');
  const plan: ColumnPlan = { layout: isLong ? 'long' : 'wide', keys: {}, measureColumns: [], errors, complete: true };
  const known = new Set<string>([...KEY_COLUMNS, ...(isLong ? ['measure', 'value'] : measureCodes)]);
  normalised.forEach((n, i) => {
    if (known.has(n)) return;
    if (isLong && measureCodes.includes(n)) {
      err(shownName(names[i]), 'UNKNOWN_COLUMN', `The column "${names[i]}" is a measure, but this file uses the long layout (measure and value columns); use one layout per file.`);
    } else {
      err(shownName(names[i]), 'UNKNOWN_COLUMN', `The column "${shownName(names[i])}" is not part of the schema. Only ${KEY_COLUMNS.join(', ')} and ${isLong ? 'measure, value' : 'measure columns'} are allowed; person-level data must not be uploaded.`);
    }
  });
  for (const key of KEY_COLUMNS) {
    if (seen.has(key)) plan.keys[key] = seen.get(key);
    else { err(key, 'MISSING_COLUMN', `The required column "${key}" is missing.`); plan.complete = false; }
  }
  if (isLong) {
    for (const c of ['measure', 'value'] as const) {
      if (seen.has(c)) plan[c] = seen.get(c);
      else { err(c, 'MISSING_COLUMN', `The column "${c}" is missing; a long-layout file needs both measure and value.`); plan.complete = false; }
    }
  } else {
    plan.measureColumns = measureCodes.filter((c) => seen.has(c)).map((code) => ({ code, position: seen.get(code)! }));
    if (plan.measureColumns.length === 0) {
      err(null, 'MISSING_COLUMN', 'The file has no measure columns: use the long layout (measure, value) or one column per measure (see GET /api/v1/measures).');
      plan.complete = false;
    }
  }
  if (errors.some((e) => e.code === 'DUPLICATE_COLUMN')) plan.complete = false;
  if (!plan.complete) plan.layout = isLong ? 'long' : plan.measureColumns.length ? 'wide' : null;
  return plan;
}

/** Column names are echoed in messages, except digit runs that could be a citizen service number. */
function shownName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}...` : name.replace(/\d{9}/g, '(withheld)');
}
