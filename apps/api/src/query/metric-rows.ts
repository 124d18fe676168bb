/** The public shape of a metric row (camelCase) and the SQL that produces it from a release's metrics table. */
import type { DuckDBValue } from '@duckdb/node-api';
import type { ColumnKind, ColumnSpec } from './formats';
import type { LoadedRelease } from './release-store';

type FieldKind = ColumnKind | 'date';

/** [column in the release file, field in the API, kind]; absent columns come out as null, so the shape never varies. */
export const METRIC_FIELDS: readonly (readonly [string, string, FieldKind])[] = [
  ['metric', 'metric', 'text'], ['level', 'level', 'text'], ['unit', 'unit', 'text'], ['unit_name', 'unitName', 'text'], ['region_code', 'regionCode', 'text'],
  ['period', 'period', 'text'], ['grain', 'grain', 'text'], ['period_start', 'periodStart', 'date'], ['period_end', 'periodEnd', 'date'], ['client_group', 'clientGroup', 'text'],
  ['numerator', 'numerator', 'number'], ['denominator', 'denominator', 'number'], ['value', 'value', 'number'], ['ci_low', 'ciLow', 'number'], ['ci_high', 'ciHigh', 'number'],
  ['national_value', 'nationalValue', 'number'], ['comparison', 'comparison', 'text'],
  ['funnel95_low', 'funnel95Low', 'number'], ['funnel95_high', 'funnel95High', 'number'], ['funnel998_low', 'funnel998Low', 'number'], ['funnel998_high', 'funnel998High', 'number'],
  ['is_process', 'isProcess', 'boolean'], ['suppressed', 'suppressed', 'boolean'], ['suppression_reason', 'suppressionReason', 'text'],
  ['observed', 'observed', 'number'], ['expected', 'expected', 'number'], ['ratio', 'ratio', 'number'], ['ratio_ci_low', 'ratioCiLow', 'number'], ['ratio_ci_high', 'ratioCiHigh', 'number'],
  ['previous_value', 'previousValue', 'number'], ['change', 'change', 'number'], ['change_significant', 'changeSignificant', 'boolean'],
];

export type MetricRow = {
  metric: string; level: string; unit: string; unitName: string | null; regionCode: string | null; period: string; grain: string;
  periodStart: string | null; periodEnd: string | null; clientGroup: string; numerator: number | null; denominator: number | null;
  value: number | null; ciLow: number | null; ciHigh: number | null; nationalValue: number | null; comparison: string | null;
  funnel95Low: number | null; funnel95High: number | null; funnel998Low: number | null; funnel998High: number | null;
  isProcess: boolean | null; suppressed: boolean; suppressionReason: string | null;
  observed: number | null; expected: number | null; ratio: number | null; ratioCiLow: number | null; ratioCiHigh: number | null;
  previousValue: number | null; change: number | null; changeSignificant: boolean | null;
};

/** A row with every figure null, for a unit without a published row (e.g. a peer without data). */
const EMPTY_ROW = Object.freeze(Object.fromEntries(METRIC_FIELDS.map(([, field]) => [field, null])) as unknown as MetricRow);

export function emptyMetricRow(unit: string): MetricRow {
  return { ...EMPTY_ROW, unit, suppressed: false };
}

export const METRIC_COLUMNS: ColumnSpec[] = METRIC_FIELDS.map(([, name, kind]) => ({ name, kind: kind === 'date' ? 'text' : kind }));

const SQL_TYPE: Record<FieldKind, string> = { text: 'VARCHAR', date: 'VARCHAR', number: 'DOUBLE', boolean: 'BOOLEAN' };

/** SELECT list for metric rows, with an optional table alias. */
export function metricSelect(rel: LoadedRelease, alias = ''): string {
  const cols = rel.columns.metrics;
  const a = alias ? `${alias}.` : '';
  return METRIC_FIELDS.map(([col, field, kind]) =>
    cols.has(col) ? `CAST(${a}"${col}" AS ${SQL_TYPE[kind]}) AS "${field}"` : `CAST(NULL AS ${SQL_TYPE[kind]}) AS "${field}"`).join(', ');
}

/** Accumulates parameterised conditions; column names are literals written in this module's callers. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: DuckDBValue[] = [];

  eq(column: string, value: DuckDBValue): this {
    this.clauses.push(`${column} = ?`);
    this.params.push(value);
    return this;
  }

  in(column: string, values: readonly string[]): this {
    if (values.length === 1) return this.eq(column, values[0]);
    if (values.length) {
      this.clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      this.params.push(...values);
    }
    return this;
  }

  cmp(column: string, op: '>=' | '<=', value: string): this {
    this.clauses.push(`${column} ${op} CAST(? AS DATE)`);
    this.params.push(value);
    return this;
  }

  sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
