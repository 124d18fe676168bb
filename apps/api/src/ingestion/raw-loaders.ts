/**
 * Loads an uploaded file as-is into a DuckDB temp table, every cell readable as text, so that bad values
 * are reported rather than coerced: CSV with all_varchar, JSON/NDJSON/Parquet with their own types turned
 * into text when read (see `cellSql`), Arrow IPC via apache-arrow's batch reader and DuckDB's appender.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import { splitCsvLine } from '@uitkomst/domain';
import type { SubmissionError } from '../submissions/submission.entity';
import { loadArrowStream } from './arrow-loader';
import { checkCsvHeader, checkDelimiter, checkJsonShape, checkTextEncoding, diagnoseCsv, FileProblem, MAX_COLUMNS } from './file-checks';
import type { FileFormat } from './file-formats';

export interface RawTable {
  /** The table (or, for Parquet, the view over the file: `materialiseRaw` makes it a table) holding the rows. */
  relation: string;
  /** Column names as in the file, in order; position i is DuckDB's `#(i+1)`. */
  names: string[];
  /** SQL giving the text of each column's cell, by position. */
  cells: string[];
  /** SQL giving the number in each column the file typed as an integer or DOUBLE (JSON, Parquet), else null. */
  numbers: (string | null)[];
  /** Added to DuckDB's rowid to give the line (CSV: header is line 1) or record number. */
  rowOffset: number;
  /** How a row is called in messages: CSV and NDJSON lines, JSON/Arrow/Parquet records. */
  unit: 'line' | 'record';
  /** Row number of the header (CSV), where column errors are reported. */
  headerRow: number | null;
  /** Lines that could not be read (CSV), already as errors. */
  malformed: SubmissionError[];
  /**
   * Set while a CSV file is only behind a view (`relation`): its lines are not known to be readable yet, and
   * `materialiseRaw` reads it into a table with DuckDB's rejected-lines table (which fills `malformed`).
   */
  csvFile?: string;
}

export class UnreadableFileError extends Error {}

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Loads the file into `table`; throws FileProblem (or UnreadableFileError) when the file as a whole cannot be
 * taken in. JSON and Parquet are checked for their shape first: DuckDB's readers would crash or stall on some
 * files. Parquet is only put behind the view `fileView`: decoding it twice costs a little less than copying it.
 */
export async function loadRawTable(conn: DuckDBConnection, format: FileFormat, filePath: string, table: string, fileView: string): Promise<RawTable> {
  switch (format) {
    case 'csv': return viewCsv(conn, filePath, fileView, table);
    case 'json':
      checkJsonShape(filePath, 'json');
      return loadWithDuckDb(conn, table, `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_json($1, format = 'array', records = true, sample_size = -1)`, [filePath], 'record');
    case 'ndjson':
      checkJsonShape(filePath, 'ndjson');
      return loadWithDuckDb(conn, table, `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_json($1, format = 'newline_delimited', records = true, sample_size = -1)`, [filePath], 'line');
    case 'parquet':
      await checkParquetColumns(conn, filePath);
      // A view cannot take parameters: the path (the server's own upload file) goes in as a quoted literal.
      return loadWithDuckDb(conn, fileView, `CREATE OR REPLACE TEMP VIEW ${fileView} AS SELECT * FROM read_parquet(${quoteLiteral(filePath)})`, [], 'record');
    case 'arrow': {
      const names = await reading(loadArrowStream(conn, filePath, table, MAX_COLUMNS));
      return { relation: table, names, cells: names.map((_, i) => `#${i + 1}`), numbers: names.map(() => null), rowOffset: 1, unit: 'record', headerRow: null, malformed: [] };
    }
  }
}

/** The rows of a raw view copied into `table`, in file order, so that rowid numbers them (the detailed checks need that). */
export async function materialiseRaw(conn: DuckDBConnection, raw: RawTable, table: string): Promise<RawTable> {
  if (raw.relation === table) return raw;
  if (raw.csvFile) return loadCsv(conn, raw.csvFile, table);
  await reading(conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${raw.relation}`));
  return { ...raw, relation: table };
}

/** A failure of the reading step itself means the file is not what its type says. */
async function reading<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err instanceof FileProblem) throw err;
    throw new UnreadableFileError(plainReaderMessage(err as Error));
  }
}

/** DuckDB's reader messages: the first line, without its error class, the server's file path or echoed digits. */
export function plainReaderMessage(err: Error): string {
  const first = String(err.message ?? err).split('\n')[0]
    .replace(/^[A-Za-z ]*Error: /, '')
    .replace(/(["'])(?:\/|[A-Za-z]:\\)[^"']*\1/g, 'the file')
    .replace(/\d{9}/g, '(withheld)');
  return first.length > 300 ? `${first.slice(0, 300)}...` : first;
}

async function checkParquetColumns(conn: DuckDBConnection, filePath: string) {
  const r = await reading(conn.runAndReadAll(`SELECT count(*) FROM parquet_schema($1) WHERE num_children IS NULL OR num_children = 0`, [filePath]));
  const leaves = Number(r.getRows()[0][0]);
  if (leaves > MAX_COLUMNS) {
    throw new FileProblem('TOO_MANY_COLUMNS', `The file has ${leaves} columns; a file has at most ${MAX_COLUMNS}: the key columns and one per measure (GET /api/v1/submissions/template.csv).`);
  }
}

async function columnsOf(conn: DuckDBConnection, relation: string): Promise<{ name: string; type: string }[]> {
  const r = await conn.runAndReadAll(`DESCRIBE ${relation}`);
  return r.getRows().map(([name, type]) => ({ name: String(name), type: String(type) }));
}

/** Text of a cell: JSON strings without their quotes, other types cast to VARCHAR. */
function cellSql(position: number, type: string): string {
  if (type === 'VARCHAR') return `#${position}`;
  if (type === 'JSON') return `(#${position} ->> '$')`;
  return `CAST(#${position} AS VARCHAR)`;
}

/**
 * Types whose value is the number itself, so it needs no text round trip. FLOAT and DECIMAL are left out: their
 * text (the shortest that round-trips in their own type) can be another double than their cast.
 */
const EXACT_NUMBER_TYPES = new Set(['DOUBLE', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

function numberSql(position: number, type: string): string | null {
  if (type === 'DOUBLE') return `#${position}`;
  return EXACT_NUMBER_TYPES.has(type) ? `CAST(#${position} AS DOUBLE)` : null;
}

async function loadWithDuckDb(conn: DuckDBConnection, relation: string, createSql: string, params: string[], unit: 'line' | 'record'): Promise<RawTable> {
  await reading(conn.run(createSql, params));
  const columns = await reading(columnsOf(conn, relation));
  return {
    relation, names: columns.map((c) => c.name), cells: columns.map((c, i) => cellSql(i + 1, c.type)),
    numbers: columns.map((c, i) => numberSql(i + 1, c.type)), rowOffset: 1, unit, headerRow: null, malformed: [],
  };
}

/**
 * First line of a CSV (header), without BOM, split on the delimiter with double-quote handling. Refuses
 * UTF-16 and binary files, and headers too long or too wide, before DuckDB reads the file.
 */
export function sniffCsvHeader(filePath: string): { delimiter: ',' | ';'; names: string[] } {
  const fd = fs.openSync(filePath, 'r');
  const buf = Buffer.alloc(1 << 16);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  const size = fs.fstatSync(fd).size;
  fs.closeSync(fd);
  const head = buf.subarray(0, n);
  checkTextEncoding(head);
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const line = text.split(/\r?\n|\r/, 1)[0];
  const count = (ch: string) => line.split(ch).length - 1;
  const delimiter = count(';') > count(',') ? ';' : ',';
  const names = splitCsvLine(line, delimiter);
  checkCsvHeader(head, size, delimiter, names.length);
  checkDelimiter(line, names.length);
  return { delimiter, names };
}

const REJECT_CODES: Record<string, { code: string; message: string }> = {
  'INVALID ENCODING': { code: 'INVALID_ENCODING', message: 'This line is not valid UTF-8 text; save the file as UTF-8.' },
  'TOO MANY COLUMNS': { code: 'MALFORMED_ROW', message: 'This line has more cells than the header.' },
  'MISSING COLUMNS': { code: 'MALFORMED_ROW', message: 'This line has fewer cells than the header.' },
  'UNQUOTED VALUE': { code: 'MALFORMED_ROW', message: 'This line has a quote inside an unquoted cell.' },
};

const csvReader = (delimiter: string) => `header = true, delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"', all_varchar = true, null_padding = false`;

/**
 * A CSV file behind the view `fileView`, every cell as text; nothing is read but the header and DuckDB's sample. The
 * coded load reads the file through it once, straight into fact_rows; the detailed checks copy it into a table
 * (materialiseRaw). A file whose sample already holds lines DuckDB cannot read is loaded into `table` at once.
 */
async function viewCsv(conn: DuckDBConnection, filePath: string, fileView: string, table: string): Promise<RawTable> {
  const header = sniffCsvHeader(filePath);
  let columns: { name: string; type: string }[];
  try {
    // A view cannot take parameters: the path (the server's own upload file) goes in as a quoted literal.
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${fileView} AS SELECT * FROM read_csv(${quoteLiteral(filePath)}, ${csvReader(header.delimiter)})`);
    columns = await columnsOf(conn, fileView);
  } catch {
    await conn.run(`DROP VIEW IF EXISTS ${fileView}`);
    return loadCsv(conn, filePath, table);
  }
  const names = header.names.length === columns.length ? header.names : columns.map((c) => c.name);
  return { relation: fileView, names, cells: columns.map((_, i) => `#${i + 1}`), numbers: columns.map(() => null), rowOffset: 2, unit: 'line', headerRow: 1, malformed: [], csvFile: filePath };
}

async function loadCsv(conn: DuckDBConnection, filePath: string, table: string): Promise<RawTable> {
  const header = sniffCsvHeader(filePath);
  const rejects = `${table}_rejects`;
  const scans = `${table}_rejects_scan`;
  try {
    await reading(conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_csv($1, ${csvReader(header.delimiter)}, store_rejects = true,
      rejects_table = ${quoteLiteral(rejects)}, rejects_scan = ${quoteLiteral(scans)})`, [filePath]));
  } catch (err) {
    throw diagnoseCsv(filePath) ?? err;
  }
  const columns = await columnsOf(conn, table);
  const rejected = await conn.runAndReadAll(`SELECT DISTINCT CAST(line AS INTEGER), error_type FROM ${rejects} ORDER BY 1`);
  await conn.run(`DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${scans}`);
  const malformed = rejected.getRows().map(([line, type]) => {
    const known = REJECT_CODES[String(type)] ?? { code: 'MALFORMED_ROW', message: `This line cannot be read (${String(type).toLowerCase()}).` };
    return { row: Number(line), column: null, code: known.code, message: known.message };
  });
  const names = header.names.length === columns.length ? header.names : columns.map((c) => c.name);
  return { relation: table, names, cells: columns.map((_, i) => `#${i + 1}`), numbers: columns.map(() => null), rowOffset: 2, unit: 'line', headerRow: 1, malformed };
}

/** Line of a CSV data row when some lines were rejected (rowid counts only the rows read). */
export function lineOfRow(rowid: number, rejectedLines: number[]): number {
  let line = rowid + 2;
  for (const r of rejectedLines) if (r <= line) line++; else break;
  return line;
}
