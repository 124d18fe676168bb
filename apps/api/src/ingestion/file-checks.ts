/**
 * Checks that run before (or, for CSV, after a failed) DuckDB read, so that hostile files are refused with a
 * precise message instead of reaching a reader that would take the process down or stall on them: UTF-16 and
 * binary files, a million columns, JSON nested thousands of levels deep (DuckDB's JSON reader overflows its
 * stack on those), lines too long for the CSV reader and quotes never closed.
 */
import * as fs from 'node:fs';

/** The schema has 4 key columns and one column per measure; far fewer than this, with room for growth. */
export const MAX_COLUMNS = 256;
/** A record is an object of values: 2 levels in a JSON array, 1 in NDJSON; a little room for nested values. */
export const MAX_JSON_DEPTH = 8;
/** DuckDB's read_csv refuses longer lines (its max_line_size default). */
export const MAX_CSV_LINE_BYTES = 2_097_152;
const CHUNK = 1 << 20;

/** A problem with the file as a whole: one error (code, message, row when known), no row checks. */
export class FileProblem extends Error {
  constructor(readonly code: string, message: string, readonly row: number | null = null) {
    super(message);
  }
}

function* chunks(filePath: string): Generator<Buffer> {
  const fd = fs.openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** UTF-16 and binary files: checked on the first bytes, where such files show themselves. */
export function checkTextEncoding(head: Buffer) {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new FileProblem('INVALID_ENCODING', 'The file is UTF-16 ("Unicode") text; save it as UTF-8 (in Excel: "CSV UTF-8").');
  }
  if (head.includes(0)) {
    throw new FileProblem('INVALID_ENCODING', 'The file holds NUL bytes, as UTF-16 text and binary files (e.g. .xlsx, .zip) do; save it as UTF-8 text.');
  }
  const end = head.findIndex((b) => b === 0x0a || b === 0x0d);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(end >= 0 ? head.subarray(0, end) : head, { stream: end < 0 });
  } catch {
    throw new FileProblem('INVALID_ENCODING', 'The header (line 1) is not valid UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8").', 1);
  }
}

/** The header line must end within the first block read, and name at most MAX_COLUMNS columns. */
export function checkCsvHeader(head: Buffer, fileSize: number, delimiter: string, columns: number) {
  const newline = head.indexOf(0x0a) >= 0 || head.indexOf(0x0d) >= 0;
  if (!newline && fileSize > head.length) {
    const seen = head.toString('latin1').split(delimiter).length;
    if (seen > MAX_COLUMNS) throw tooManyColumns(`The header line has more than ${MAX_COLUMNS} columns (${seen} in its first ${head.length} bytes)`, 1);
    throw new FileProblem('UNREADABLE_FILE', `The header line (line 1) is longer than ${head.length} bytes; it should name the columns of the template only.`, 1);
  }
  if (columns > MAX_COLUMNS) throw tooManyColumns(`The header line has ${columns} columns`, 1);
}

/** One column holding tabs or pipes: the file uses a delimiter the reader does not take. */
export function checkDelimiter(headerLine: string, columns: number) {
  if (columns !== 1) return;
  const used = headerLine.includes('\t') ? 'tabs' : headerLine.includes('|') ? '| characters' : null;
  if (used) throw new FileProblem('UNREADABLE_FILE', `The header (line 1) has one column and holds ${used}: separate the columns with commas (,) or semicolons (;).`, 1);
}

const tooManyColumns = (what: string, row: number | null) => new FileProblem('TOO_MANY_COLUMNS',
  `${what}; a file has at most ${MAX_COLUMNS}: the key columns and one per measure (GET /api/v1/submissions/template.csv).`, row);

/**
 * Why DuckDB could not read a CSV, found by one pass over the bytes: the first line longer than the reader
 * accepts, or a quote that is never closed. Null when neither explains it.
 */
export function diagnoseCsv(filePath: string): FileProblem | null {
  let line = 1;
  let length = 0;
  let quoted = false;
  let quoteLine = 0;
  for (const chunk of chunks(filePath)) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) {
        quoted = !quoted;
        if (quoted) quoteLine = line;
      }
      if (b === 0x0a) {
        line++;
        length = 0;
      } else if (++length > MAX_CSV_LINE_BYTES) {
        return new FileProblem('UNREADABLE_FILE', `Line ${line} is longer than ${MAX_CSV_LINE_BYTES} bytes, the most a line may hold.`, line);
      }
    }
  }
  if (quoted) return new FileProblem('MALFORMED_ROW', `The quote (") opened on line ${quoteLine} is never closed, so the rest of the file reads as one cell; close it or remove it.`, quoteLine);
  return null;
}

/**
 * One pass over a JSON or NDJSON file, outside strings: how deep containers nest and how many different
 * field names there are (each would become a column). Syntax errors are left to DuckDB's reader.
 */
export function checkJsonShape(filePath: string, format: 'json' | 'ndjson') {
  const recordLevel = format === 'json' ? 1 : 0; // the depth at which a record object opens
  const names = new Set<string>();
  let depth = 0;
  let record = 0;
  let line = 1;
  let inString = false;
  let escaped = false;
  let name: number[] | null = null; // bytes of a field name being read
  let expectName = false;
  const isObject: boolean[] = []; // per open container, innermost last
  const where = () => (format === 'json' ? `record ${record}` : `line ${line}`);
  const row = () => (format === 'json' ? record : line);
  for (const chunk of chunks(filePath)) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) {
          inString = false;
          if (name) {
            names.add(Buffer.from(name).toString('utf8'));
            if (names.size > MAX_COLUMNS) throw tooManyColumns(`The records have more than ${MAX_COLUMNS} different field names (at ${where()})`, row());
            name = null;
          }
          continue;
        }
        if (name && name.length < 256) name.push(b);
        continue;
      }
      switch (b) {
        case 0x22:
          inString = true;
          if (expectName) name = [];
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (depth === recordLevel) record++;
          isObject.push(b === 0x7b);
          if (++depth > MAX_JSON_DEPTH) {
            throw new FileProblem('UNREADABLE_FILE', `The file cannot be read as JSON: ${where()} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; a record is one flat object of values.`, row());
          }
          expectName = b === 0x7b;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          depth = Math.max(0, depth - 1);
          isObject.pop();
          expectName = false;
          break;
        case 0x3a: // :
          expectName = false;
          break;
        case 0x2c: // ,
          expectName = isObject[isObject.length - 1] === true;
          break;
        case 0x0a:
          line++;
          break;
      }
    }
  }
}
