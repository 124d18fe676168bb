/**
 * The malformed-input corpus: uploads and query strings, each with the status it must get and a message that
 * says what is wrong, where and why. Uploads are sent with `?wait=60`, so a file refused by validation is a
 * 422 whose `errors` name the problem; problems of the request itself are 400, 401, 413 or 415.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as gen from './generate';

const file = (name: string) => () => fs.readFileSync(path.join(__dirname, 'uploads', name));
const text = (s: string) => () => Buffer.from(s);

export type KeyName = 'amsterdam' | 'eemsdelta' | 'none' | 'malformed' | 'unknown';

export interface ExpectedError { row?: number | null; column?: string | null; code: string; message?: RegExp }

export interface UploadCase {
  name: string;
  body: () => Buffer | Promise<Buffer>;
  contentType?: string; // none: the header is left out
  headers?: Record<string, string>;
  key?: KeyName; // default amsterdam
  /** How the body is sent: whole with Content-Length (default), chunked, or only its first bytes after a declared length. */
  send?: 'whole' | 'chunked' | 'declared-length-only';
  query?: string; // default wait=60
  status: number;
  message: RegExp;
  /** For 422: errors the submission must report (each must be found). */
  errors?: ExpectedError[];
}

const CSV = 'text/csv';
const JSON_TYPE = 'application/json';
const NDJSON = 'application/x-ndjson';
const ARROW = 'application/vnd.apache.arrow.stream';
const PARQUET = 'application/vnd.apache.parquet';
const rejected = /^The file was rejected with \d+ errors?; nothing was stored\./;

/** The limit the corpus app runs with (MAX_UPLOAD_BYTES), so that oversize bodies stay small. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

export const UPLOAD_CASES: UploadCase[] = [
  // Wrong encoding
  { name: 'Windows-1252 text (Excel "CSV", not "CSV UTF-8")', body: file('windows-1252.csv'), contentType: CSV, status: 422, message: /First: row 3: INVALID_ENCODING: This line is not valid UTF-8/,
    errors: [{ row: 3, code: 'INVALID_ENCODING', message: /not valid UTF-8 text; save the file as UTF-8/ }] },
  { name: 'UTF-16 text with byte-order mark', body: gen.utf16Csv, contentType: CSV, status: 422, message: /INVALID_ENCODING: The file is UTF-16/,
    errors: [{ row: null, code: 'INVALID_ENCODING', message: /UTF-16 \("Unicode"\) text; save it as UTF-8/ }] },
  { name: 'NUL byte in a cell far into the file', body: gen.lateNulCsv, contentType: CSV, status: 422, message: rejected,
    errors: [{ row: 2402, column: 'site_code', code: 'UNKNOWN_SITE', message: /^Site "WP-AM18-01\ufffd" is not registered\.$/ }] },
  { name: 'control characters (ANSI escape) in a cell', body: file('control-characters.csv'), contentType: CSV, status: 422, message: /row 2, column "client_group": UNKNOWN_CLIENT_GROUP/,
    errors: [{ row: 2, column: 'client_group', code: 'UNKNOWN_CLIENT_GROUP', message: /^Client group "ww\ufffd\[31m" is not one of/ }] },
  // Binary garbage
  { name: 'an .xlsx workbook sent as CSV', body: gen.xlsxAsCsv, contentType: CSV, status: 422, message: /INVALID_ENCODING: The file holds NUL bytes/,
    errors: [{ row: null, code: 'INVALID_ENCODING', message: /binary files \(e\.g\. \.xlsx, \.zip\)/ }] },
  { name: 'a gzip-compressed CSV sent as plain CSV', body: gen.gzippedCsv, contentType: CSV, status: 422, message: /INVALID_ENCODING: The file holds NUL bytes/ },
  { name: 'random bytes without NUL sent as CSV', body: gen.garbageText, contentType: CSV, status: 422, message: /row 1: INVALID_ENCODING: The header \(line 1\) is not valid UTF-8 text/ },
  { name: 'random bytes sent as JSON', body: () => gen.pseudoRandomBytes(5000), contentType: JSON_TYPE, status: 422, message: /UNREADABLE_FILE: The file cannot be read as JSON/,
    errors: [{ row: null, code: 'UNREADABLE_FILE', message: /^The file cannot be read as JSON: Expected top-level JSON array/ }] },
  { name: 'random bytes sent as Arrow', body: () => gen.pseudoRandomBytes(5000, 5), contentType: ARROW, status: 422, message: /UNREADABLE_FILE: The file cannot be read as ARROW/ },
  { name: 'random bytes between Parquet magic numbers', body: () => Buffer.concat([Buffer.from('PAR1'), gen.pseudoRandomBytes(3000, 9), Buffer.from('PAR1')]), contentType: PARQUET, status: 422,
    message: /UNREADABLE_FILE: The file cannot be read as PARQUET/ },
  // Truncated Parquet and Arrow
  { name: 'Parquet file cut in half', body: async () => gen.truncate(await gen.parquetFile(), 0.5), contentType: PARQUET, status: 422,
    message: /UNREADABLE_FILE: The file cannot be read as PARQUET: No magic bytes found at end of file the file/,
    errors: [{ row: null, code: 'UNREADABLE_FILE', message: /^The file cannot be read as PARQUET: No magic bytes found at end of file the file$/ }] },
  { name: 'Parquet file without its last bytes (footer cut)', body: async () => { const b = await gen.parquetFile(); return b.subarray(0, b.length - 6); }, contentType: PARQUET, status: 422,
    message: /UNREADABLE_FILE: The file cannot be read as PARQUET/ },
  { name: 'Arrow stream cut inside a record batch', body: () => gen.truncate(gen.arrowStream(), 0.6), contentType: ARROW, status: 422,
    message: /UNREADABLE_FILE: The file cannot be read as ARROW: Expected to read \d+ bytes for message body, but only read \d+/ },
  { name: 'Arrow stream cut inside its schema', body: () => gen.arrowStream().subarray(0, 100), contentType: ARROW, status: 422,
    message: /UNREADABLE_FILE: The file cannot be read as ARROW: Expected to read \d+ metadata bytes, but only read \d+/ },
  // Wrong delimiters and quotes
  { name: 'tab-delimited', body: file('tab-delimited.csv'), contentType: CSV, status: 422, message: /row 1: UNREADABLE_FILE: The header \(line 1\) has one column and holds tabs/ },
  { name: 'pipe-delimited', body: file('pipe-delimited.csv'), contentType: CSV, status: 422, message: /row 1: UNREADABLE_FILE: The header \(line 1\) has one column and holds \| characters/ },
  { name: 'comma header, semicolon rows', body: file('mixed-delimiters.csv'), contentType: CSV, status: 422, message: /row 2: MALFORMED_ROW: This line has fewer cells than the header/ },
  { name: 'a quote left open', body: file('quote-left-open.csv'), contentType: CSV, status: 422, message: /row 2: MALFORMED_ROW: The quote \("\) opened on line 2 is never closed/ },
  { name: 'a stray quote inside a cell', body: file('stray-quote.csv'), contentType: CSV, status: 422, message: /row 3, column "municipality_code": UNKNOWN_MUNICIPALITY: Municipality "GM"0363" is not a known CBS municipality code/ },
  // Huge lines, a million columns, deep nesting
  { name: 'a 3 MB line', body: gen.hugeLineCsv, contentType: CSV, status: 422, message: /row 3: UNREADABLE_FILE: Line 3 is longer than 2097152 bytes/ },
  { name: 'a 100 KB cell (echoed shortened)', body: gen.longCellCsv, contentType: CSV, status: 422, message: /row 2, column "site_code": UNKNOWN_SITE: Site "W{60}\.\.\." is not registered/ },
  { name: 'a million columns (CSV)', body: gen.millionColumnsCsv, contentType: CSV, status: 422, message: /row 1: TOO_MANY_COLUMNS: The header line has more than 256 columns/ },
  { name: '300 columns (CSV)', body: () => gen.columnsCsv(300), contentType: CSV, status: 422, message: /row 1: TOO_MANY_COLUMNS: The header line has 300 columns; a file has at most 256/ },
  { name: 'a million keys in one JSON record', body: gen.millionKeysJson, contentType: JSON_TYPE, status: 422, message: /row 1: TOO_MANY_COLUMNS: The records have more than 256 different field names \(at record 1\)/ },
  { name: 'a new field name in every NDJSON line', body: gen.manyDistinctKeysNdjson, contentType: NDJSON, status: 422, message: /row 256: TOO_MANY_COLUMNS: The records have more than 256 different field names \(at line 256\)/ },
  { name: '300 columns (Parquet)', body: () => gen.parquetFile(10, 294), contentType: PARQUET, status: 422, message: /TOO_MANY_COLUMNS: The file has 300 columns/ },
  { name: '300 columns (Arrow)', body: () => gen.wideArrowStream(300), contentType: ARROW, status: 422, message: /TOO_MANY_COLUMNS: The stream has 300 columns/ },
  { name: 'JSON nested 100,000 levels deep', body: () => gen.deeplyNestedJson(), contentType: JSON_TYPE, status: 422, message: /row 1: UNREADABLE_FILE: The file cannot be read as JSON: record 1 nests arrays or objects more than 8 levels deep/ },
  { name: 'NDJSON nested 100,000 levels deep', body: () => gen.deeplyNestedNdjson(), contentType: NDJSON, status: 422, message: /row 2: UNREADABLE_FILE: .*line 2 nests arrays or objects more than 8 levels deep/ },
  // Numbers
  { name: '1e309 in CSV', body: file('number-1e309.csv'), contentType: CSV, status: 422, message: /row 2, column "value": NOT_A_NUMBER: The value "1e309" of clients_start is not a number/ },
  { name: 'NaN, Infinity and -inf in CSV', body: file('number-nan-infinity.csv'), contentType: CSV, status: 422, message: /row 2, column "value": NOT_A_NUMBER: The value "NaN"/,
    errors: [{ row: 3, column: 'value', code: 'NOT_A_NUMBER', message: /"Infinity"/ }, { row: 4, column: 'value', code: 'NOT_A_NUMBER', message: /"-inf"/ }] },
  { name: '1e309 as a JSON number', body: file('number-1e309.json'), contentType: JSON_TYPE, status: 422, message: /row 1, column "value": NOT_A_NUMBER: The value "inf" of clients_start is not a number/ },
  { name: 'NaN as a JSON literal', body: file('number-nan.json'), contentType: JSON_TYPE, status: 422, message: /row 1, column "value": NOT_A_NUMBER: The value "nan"|UNREADABLE_FILE/ },
  { name: 'a digit separator (1_000)', body: file('number-digit-separator.csv'), contentType: CSV, status: 422, message: /row 2, column "value": NOT_A_NUMBER: The value "1_000"/ },
  { name: 'full-width digits', body: file('number-fullwidth-digits.csv'), contentType: CSV, status: 422, message: /row 2, column "value": NOT_A_NUMBER: The value "１２"/ },
  { name: 'Excel CSV with a decimal comma', body: file('excel-decimal-comma.csv'), contentType: CSV, status: 422, message: /row 2, column "value": NOT_A_NUMBER: The value "1234,50" of cost_personnel_eur is not a number; write digits with a decimal point/ },
  // SQL fragments
  { name: 'SQL in every cell', body: file('sql-in-every-field.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [
      { row: 2, column: 'site_code', code: 'UNKNOWN_SITE', message: /^Site "WP-AM18-01'; DROP TABLE fact_values; --" is not registered\.$/ },
      { row: 2, column: 'municipality_code', code: 'UNKNOWN_MUNICIPALITY', message: /GM0363' OR '1'='1/ },
      { row: 2, column: 'period', code: 'INVALID_PERIOD' },
      { row: 2, column: 'client_group', code: 'UNKNOWN_CLIENT_GROUP' },
      { row: 2, column: 'measure', code: 'UNKNOWN_MEASURE', message: /clients_start' OR 1=1 --/ },
      { row: 3, column: 'value', code: 'NOT_A_NUMBER', message: /"1; DROP TABLE fact_values"/ },
    ] },
  { name: 'SQL in a column name', body: file('sql-in-column-names.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [{ row: 1, column: 'value"; DROP TABLE fact_values; --', code: 'UNKNOWN_COLUMN' }, { row: 1, column: 'value', code: 'MISSING_COLUMN' }] },
  { name: 'SQL in JSON names and values', body: file('sql-in-json.json'), contentType: JSON_TYPE, status: 422, message: rejected,
    errors: [{ column: 'x"); DROP TABLE submissions; --', code: 'UNKNOWN_COLUMN' }] },
  { name: 'SQL and path traversal in the file name', body: file('sql-in-every-field.csv'), contentType: CSV,
    headers: { 'content-disposition': 'attachment; filename="../../../etc/x\'; DROP TABLE submissions; --.csv"' }, status: 422, message: /row 2, column "client_group": UNKNOWN_CLIENT_GROUP/ },
  { name: 'SQL in the Authorization header', body: file('number-1e309.csv'), contentType: CSV, key: 'malformed', status: 401, message: /^Authorization: Bearer <API key> is required$/ },
  // Person-level data and citizen service numbers
  { name: 'person-level columns (name, birth date, BSN)', body: file('person-level-columns.csv'), contentType: CSV, status: 422, message: rejected,
    errors: ['naam', 'geboortedatum', 'bsn'].map((column) => ({ row: 1, column, code: 'UNKNOWN_COLUMN', message: /person-level data must not be uploaded/ })) },
  { name: 'citizen service numbers in cells', body: file('bsn-in-cells.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [{ row: 2, column: 'site_code', code: 'POSSIBLE_BSN', message: /11-test of a citizen service number \(BSN\).*the value is not shown/ },
      { row: 3, column: 'value', code: 'POSSIBLE_BSN' }] },
  { name: 'a citizen service number in a column name', body: file('bsn-in-column-name.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [{ row: 1, column: null, code: 'POSSIBLE_BSN', message: /A column name holds 9 digits/ }, { row: 1, column: 'client_(withheld)', code: 'UNKNOWN_COLUMN' }] },
  { name: 'a BSN field in NDJSON', body: file('bsn-field.ndjson'), contentType: NDJSON, status: 422, message: rejected,
    errors: [{ row: 1, column: 'bsn', code: 'POSSIBLE_BSN' }, { column: 'bsn', code: 'UNKNOWN_COLUMN' }] },
  // Formula injection
  { name: 'formula-injection strings in cells', body: file('formula-injection.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [
      { row: 2, column: 'site_code', code: 'UNKNOWN_SITE', message: /^Site "=HYPERLINK/ },
      { row: 3, column: 'municipality_code', code: 'UNKNOWN_MUNICIPALITY', message: /"\+cmd\|' \/C calc'!A0"/ },
      { row: 4, column: 'client_group', code: 'UNKNOWN_CLIENT_GROUP', message: /"@SUM\(1\+1\)"/ },
      { row: 5, column: 'value', code: 'NOT_A_NUMBER', message: /"-2\+3"/ },
    ] },
  { name: 'a formula as a column name', body: file('formula-in-header.csv'), contentType: CSV, status: 422, message: rejected,
    errors: [{ row: 1, column: "=cmd|' /C calc'!A0", code: 'UNKNOWN_COLUMN' }] },
  // Structure
  { name: 'an empty file', body: file('empty.csv'), contentType: CSV, status: 422, message: /EMPTY_FILE: The file is empty\./ },
  { name: 'a header without rows', body: file('header-only.csv'), contentType: CSV, status: 422, message: /EMPTY_FILE: The file has no data rows\./ },
  { name: 'a column twice', body: file('duplicate-column.csv'), contentType: CSV, status: 422, message: /row 1, column "value": DUPLICATE_COLUMN: The column "value" appears more than once/ },
  { name: 'JSON object instead of an array', body: file('json-object-not-array.json'), contentType: JSON_TYPE, status: 422, message: /UNREADABLE_FILE: The file cannot be read as JSON: Expected top-level JSON array/ },
  { name: 'JSON array of numbers', body: file('json-array-of-numbers.json'), contentType: JSON_TYPE, status: 422, message: /UNREADABLE_FILE: The file cannot be read as JSON: .*records/ },
  { name: 'NDJSON with a broken line', body: file('ndjson-broken-line.ndjson'), contentType: NDJSON, status: 422, message: /UNREADABLE_FILE: The file cannot be read as NDJSON/ },
  // The request itself
  { name: 'text/plain', body: file('number-1e309.csv'), contentType: 'text/plain', status: 415, message: /^Files of type "text\/plain" are not accepted\. Send one of: text\/csv/ },
  { name: 'no Content-Type', body: file('number-1e309.csv'), status: 415, message: /^Files of type "\(none\)" are not accepted/ },
  { name: 'application/xml with an entity bomb', body: text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa">]><a>&a;</a>'), contentType: 'application/xml', status: 415, message: /"application\/xml" are not accepted/ },
  { name: 'multipart without a file field', body: () => gen.multipart('b0undary', [{ name: 'other', body: 'x' }]), contentType: 'multipart/form-data; boundary=b0undary', status: 400, message: /^the multipart body has no field named "file"$/ },
  { name: 'multipart without a boundary', body: text('xx'), contentType: 'multipart/form-data', status: 400, message: /^multipart body unreadable: Multipart: Boundary not found$/ },
  { name: 'multipart ending in the middle of the file', body: () => gen.multipart('b0undary', [{ name: 'file', filename: 'a.csv', type: CSV, body: `${gen.HEADER}\nWP-AM18-01,GM0363` }], false),
    contentType: 'multipart/form-data; boundary=b0undary', status: 400, message: /^multipart body unreadable: Unexpected end of form$/ },
  { name: 'multipart file of an unsupported type', body: () => gen.multipart('b0undary', [{ name: 'file', filename: 'a.exe', type: 'application/x-msdownload', body: 'MZ' }]),
    contentType: 'multipart/form-data; boundary=b0undary', status: 415, message: /"application\/x-msdownload" are not accepted/ },
  { name: 'an oversize body with its length declared', body: () => Buffer.alloc(64 * 1024, 0x41), send: 'declared-length-only', headers: { 'content-length': String(MAX_UPLOAD_BYTES + 1) },
    contentType: CSV, status: 413, message: /^The file is larger than the limit of 16777216 bytes\.$/ },
  { name: 'an oversize body sent in chunks', body: () => Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x41), send: 'chunked', contentType: CSV, status: 413, message: /^The file is larger than the limit of 16777216 bytes\.$/ },
  { name: 'an oversize multipart file', body: () => gen.multipart('b0undary', [{ name: 'file', filename: 'big.csv', type: CSV, body: Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x41) }]),
    contentType: 'multipart/form-data; boundary=b0undary', status: 413, message: /^The file is larger than the limit of 16777216 bytes\.$/ },
  { name: 'wait=NaN', body: file('number-1e309.csv'), contentType: CSV, query: 'wait=NaN', status: 400, message: /^invalid query$/ },
  { name: 'wait=1e309', body: file('number-1e309.csv'), contentType: CSV, query: 'wait=1e309', status: 400, message: /^invalid query$/ },
  // Access
  { name: 'no API key', body: file('number-1e309.csv'), contentType: CSV, key: 'none', status: 401, message: /^Authorization: Bearer <API key> is required$/ },
  { name: 'a well-formed but unknown API key', body: file('number-1e309.csv'), contentType: CSV, key: 'unknown', status: 401, message: /^API key is unknown or revoked$/ },
  { name: "another organisation's site", body: file('number-1e309.csv'), contentType: CSV, key: 'eemsdelta', status: 422, message: rejected,
    errors: [{ row: 2, column: 'site_code', code: 'NOT_PARTNER', message: /^Your organisation is not a partner of site "WP-AM18-01", so it cannot submit figures for it\.$/ }] },
];

export interface QueryCase {
  name: string;
  path: string;
  method?: string;
  key?: 'admin' | 'amsterdam';
  body?: string;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
  parameter?: string;
}

const SQL = ["' OR '1'='1", '1; DROP TABLE fact_values; --', "x') UNION SELECT key FROM api_keys --"];
const enc = encodeURIComponent;

/** Every parameter of every public read endpoint with an SQL fragment: a 400 (404 for release) naming the parameter. */
function sqlInEveryParameter(): QueryCase[] {
  const endpoints: Record<string, string[]> = {
    '/api/v1/metrics': ['metric', 'level', 'unit', 'period', 'from', 'to', 'grain', 'clientGroup', 'format', 'release'],
    '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363': ['metric', 'unit', 'period', 'clientGroup'],
    '/api/v1/funnel?metric=outflow_to_work': ['metric', 'level', 'period', 'clientGroup'],
    '/api/v1/trends?metric=outflow_to_work&unit=GM0363': ['metric', 'unit', 'grain', 'clientGroup'],
    '/api/v1/typology?metric=outflow_to_work&dimension=integration_level': ['metric', 'dimension', 'period', 'clientGroup'],
    '/api/v1/codebook': ['format', 'release'],
    '/api/v1/releases/latest/download': ['format', 'table', 'whole', 'metric'],
  };
  const cases: QueryCase[] = [];
  let i = 0;
  for (const [base, params] of Object.entries(endpoints)) {
    for (const p of params) {
      const value = SQL[i++ % SQL.length];
      const [pathname, query] = base.split('?');
      const rest = new URLSearchParams(query ?? '');
      rest.set(p, value);
      const release = p === 'release';
      cases.push({
        name: `SQL in ${pathname}?${p}`, path: `${pathname}?${rest.toString()}`, parameter: p, status: release ? 404 : 400,
        message: release ? /^release ".*" is not published; published releases: latest, / : new RegExp(`^${p}: (unknown value|"|.*is not (a period|published))`),
      });
    }
  }
  return cases;
}

export const QUERY_CASES: QueryCase[] = [
  ...sqlInEveryParameter(),
  { name: 'unknown parameter', path: '/api/v1/metrics?metrik=outflow_to_work', parameter: 'metrik', status: 400, message: /^metrik: unknown parameter; allowed: metric, level/ },
  { name: 'parameter as an object (metric[a]=x)', path: '/api/v1/metrics?metric[a]=x', parameter: 'metric[a]', status: 400, message: /^metric\[a\]: unknown parameter; allowed: metric, / },
  { name: 'empty value in a list', path: '/api/v1/metrics?metric=outflow_to_work,', parameter: 'metric', status: 400, message: /^metric: empty value in list$/ },
  { name: 'a 500-character unit', path: `/api/v1/metrics?unit=${'x'.repeat(500)}`, parameter: 'unit', status: 400, message: /^unit: value too long$/ },
  { name: 'NUL in a value', path: '/api/v1/metrics?unit=%00', parameter: 'unit', status: 400, message: /^unit: unit "." is not published in release /s },
  { name: 'NaN as a period', path: '/api/v1/metrics?period=NaN', parameter: 'period', status: 400, message: /^period: "NaN" is not a period; write 2025 \(year\)/ },
  { name: '1e309 as from', path: '/api/v1/metrics?from=1e309', parameter: 'from', status: 400, message: /^from: "1e309" is not a period/ },
  { name: 'a quarter that does not exist', path: '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025-Q5', parameter: 'period', status: 400, message: /^period: "2025-Q5" is not a period/ },
  { name: 'markup in a value', path: `/api/v1/metrics?clientGroup=${enc('<script>alert(1)</script>')}`, parameter: 'clientGroup', status: 400, message: /^clientGroup: unknown value "<script>alert\(1\)<\/script>"; allowed: / },
  { name: 'header injection in format', path: '/api/v1/codebook?format=md%0d%0aSet-Cookie:%20a=b', parameter: 'format', status: 400, message: /^format: unknown value "md\r\nSet-Cookie: a=b"/ },
  { name: 'path traversal in a release id', path: `/api/v1/releases/${enc('../../etc/passwd')}`, parameter: 'release', status: 404, message: /^release "\.\.\/\.\.\/etc\/passwd" is not published/ },
  { name: 'path traversal in a release query', path: `/api/v1/metrics?release=${enc('../../../etc')}`, parameter: 'release', status: 404, message: /^release "\.\.\/\.\.\/\.\.\/etc" is not published/ },
  { name: 'path traversal in a file name', path: `/api/v1/releases/latest/files/${enc('../../../../etc/passwd')}`, parameter: 'name', status: 404, message: /^release \S+ has no file "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd"$/ },
  { name: 'encoded dots as a file name', path: '/api/v1/releases/latest/files/%2e%2e', parameter: 'name', status: 404, message: /^release \S+ has no file "\.\."$/ },
  { name: 'path traversal in a unit', path: `/api/v1/profile/${enc('../../package.json')}`, parameter: 'unit', status: 400, message: /^unit: "\.\.\/\.\.\/package\.json" is not a unit code$/ },
  { name: 'SQL in a unit path', path: `/api/v1/profile/${enc("GM0363' OR 1=1 --")}`, parameter: 'unit', status: 400, message: /is not a unit code$/ },
  { name: 'path traversal in a site code', path: `/api/v1/sites/${enc('../../etc/passwd')}`, status: 404, message: /^site \.\.\/\.\.\/etc\/passwd not found$/ },
  { name: 'path traversal in a submission id', path: `/api/v1/submissions/${enc('../../etc/passwd')}`, key: 'amsterdam', status: 400, message: /^Validation failed \(uuid is expected\)$/ },
  { name: 'SQL in a submission id', path: `/api/v1/submissions/${enc("1' OR '1'='1")}/facts`, key: 'amsterdam', status: 400, message: /^Validation failed \(uuid is expected\)$/ },
  { name: 'path traversal in an API key id', path: `/api/v1/admin/keys/${enc('../../x')}/revoke`, method: 'POST', key: 'admin', status: 400, message: /^Validation failed \(uuid is expected\)$/ },
  { name: 'path traversal in an organisation code', path: `/api/v1/admin/organisations/${enc('../../x')}`, method: 'PUT', key: 'admin', body: '{"name":"x","kind":"municipality"}', status: 400, message: /^invalid body$/ },
  { name: 'SQL in a list filter', path: `/api/v1/submissions?status=${enc("accepted' OR '1'='1")}`, key: 'amsterdam', status: 400, message: /^invalid query$/ },
  { name: 'limit=1e309', path: '/api/v1/submissions?limit=1e309', key: 'amsterdam', status: 400, message: /^invalid query$/ },
  { name: 'SQL in the history site', path: `/api/v1/facts/history?site=${enc("WP-AM18-01' OR '1'='1")}`, key: 'amsterdam', status: 403, message: /^your organisation is not a partner of site WP-AM18-01' OR '1'='1$/ },
  { name: 'SQL in a registry filter', path: `/api/v1/sites?region=${enc("AM18' OR 1=1")}`, status: 400, message: /^region must be a labour-market region code such as AM18$/ },
  { name: 'a 64 KB query string', path: `/api/v1/metrics?unit=${'GM0363,'.repeat(9400)}GM0363`, status: 431, message: /^the request line and headers are larger than the server accepts/ },
  { name: 'malformed JSON body', path: '/api/v1/admin/registry/import', method: 'POST', key: 'admin', body: '{"organisations": [', status: 400, message: /^the request body is not valid JSON: / },
  { name: 'JSON body nested 100,000 levels', path: '/api/v1/admin/registry/import', method: 'POST', key: 'admin', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, status: 400, message: /^(invalid body|the request body is not valid JSON)/ },
  { name: 'JSON body over the 20 MB limit', path: '/api/v1/admin/registry/import', method: 'POST', key: 'admin', body: `"${'x'.repeat(21 * 1024 * 1024)}"`, status: 413, message: /^the request body is larger than the limit of 20971520 bytes$/ },
  { name: 'prototype pollution in a JSON body', path: '/api/v1/admin/organisations/ORG-NEW', method: 'PUT', key: 'admin', body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"name":1}', status: 400, message: /^the request body has a "__proto__" or "constructor": \{"prototype": \.\.\.\} key, which is refused/ },
  { name: 'a gzip-encoded JSON body', path: '/api/v1/admin/organisations/ORG-NEW', method: 'PUT', key: 'admin', body: '{"name":"x","kind":"municipality"}', headers: { 'content-encoding': 'gzip' }, status: 415, message: /^request bodies with Content-Encoding gzip are not accepted; send the JSON uncompressed$/ },
  { name: 'constructor.prototype in a JSON body', path: '/api/v1/admin/organisations/ORG-NEW', method: 'PUT', key: 'admin', body: '{"name":"x","constructor":{"prototype":{"x":1}}}', status: 400, message: /^the request body has a "__proto__" or "constructor": \{"prototype": \.\.\.\} key, which is refused/ },
];
