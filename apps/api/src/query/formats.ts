/** Serialising tables as JSON, CSV (plain and Excel-friendly Dutch) and Arrow IPC streams. */
import { Bool, Float64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { badParameter, FORMATS, ResponseFormat } from './query-params';

export type ColumnKind = 'text' | 'number' | 'boolean';
export interface ColumnSpec { name: string; kind: ColumnKind }
export interface TableData { columns: ColumnSpec[]; rows: Record<string, unknown>[] }

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
export const CONTENT_TYPES: Record<ResponseFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  'csv-excel': 'text/csv; charset=utf-8; header=present',
  arrow: ARROW_STREAM,
};
export const EXTENSIONS: Record<ResponseFormat, string> = { json: 'json', csv: 'csv', 'csv-excel': 'csv', arrow: 'arrows' };

/** `?format=` wins; otherwise the Accept header (Arrow, CSV), JSON by default. */
export function negotiateFormat(accept: string | undefined, formatParam: string | undefined): ResponseFormat {
  if (formatParam !== undefined) {
    if (!(FORMATS as readonly string[]).includes(formatParam)) throw badParameter('format', `unknown value "${formatParam}"`, FORMATS);
    return formatParam as ResponseFormat;
  }
  const a = (accept ?? '').toLowerCase();
  if (a.includes(ARROW_STREAM)) return 'arrow';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

/** A text cell that a spreadsheet would read as a formula gets a leading quote; numbers never do. */
export function neutraliseText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export interface CsvDialect { separator: string; decimalComma: boolean; bom: boolean }
export const CSV: CsvDialect = { separator: ',', decimalComma: false, bom: false };
export const CSV_EXCEL: CsvDialect = { separator: ';', decimalComma: true, bom: true };
export const dialectOf = (format: ResponseFormat) => (format === 'csv-excel' ? CSV_EXCEL : CSV);

export function csvCell(value: unknown, d: CsvDialect): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return d.decimalComma ? String(value).replace('.', ',') : String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = neutraliseText(typeof value === 'object' ? JSON.stringify(value) : String(value));
  return s.includes(d.separator) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(columns: string[], d: CsvDialect): string {
  return (d.bom ? '\uFEFF' : '') + columns.map((c) => csvCell(c, d)).join(d.separator) + '\r\n';
}

export function csvLines(rows: Record<string, unknown>[], columns: string[], d: CsvDialect): string {
  let out = '';
  for (const r of rows) out += columns.map((c) => csvCell(r[c], d)).join(d.separator) + '\r\n';
  return out;
}

export function toCsv(table: TableData, d: CsvDialect): string {
  const names = table.columns.map((c) => c.name);
  return csvHeader(names, d) + csvLines(table.rows, names, d);
}

const arrowType = (kind: ColumnKind) => (kind === 'number' ? new Float64() : kind === 'boolean' ? new Bool() : new Utf8());

function arrowValue(v: unknown, kind: ColumnKind): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'number') return typeof v === 'number' ? v : Number(v);
  if (kind === 'boolean') return Boolean(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function toArrowTable(table: TableData): Table {
  const vectors = Object.fromEntries(table.columns.map((c) => [c.name, vectorFromArray(table.rows.map((r) => arrowValue(r[c.name], c.kind)) as never[], arrowType(c.kind) as never)]));
  return new Table(vectors);
}

export function toArrowIpc(table: TableData): Uint8Array {
  return tableToIPC(toArrowTable(table), 'stream');
}

/** Column kinds inferred from values (first non-null wins), for tables without a declared schema. */
export function inferColumns(rows: Record<string, unknown>[], names?: string[]): ColumnSpec[] {
  const keys = names ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return keys.map((name) => {
    const v = rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name];
    return { name, kind: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'text' };
  });
}

/** `table` is read only for CSV and Arrow (an answer may make it on demand). */
export function serialise(format: ResponseFormat, answer: { json: unknown; table: TableData }): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify(answer.json));
  if (format === 'arrow') return Buffer.from(toArrowIpc(answer.table));
  return Buffer.from(toCsv(answer.table, dialectOf(format)), 'utf8');
}
