/**
 * Malformed uploads too large or too binary to keep in the repository, generated deterministically.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export const HEADER = 'site_code,municipality_code,period,client_group,measure,value';
const ROW = 'WP-AM18-01,GM0363,2024-01,ww,clients_start,12';

/** Deterministic bytes (a linear congruential generator), so a failing case fails the same way each run. */
export function pseudoRandomBytes(n: number, seed = 42): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const GROUPS = ['ww', 'jongeren', 'bijstand_kort', 'bijstand_lang', 'arbeidsbeperking', 'overig'];
/** Count measures that no consistency rule relates to each other on their own. */
const MEASURES = ['clients_start', 'clients_new', 'joint_plans', 'first_offers', 'survey_respondents'];

/** Valid long-format rows of one site, each with its own key (measure, client group, month from 2012). */
export function validRows(n: number): { site_code: string; municipality_code: string; period: string; client_group: string; measure: string; value: number }[] {
  return Array.from({ length: n }, (_, i) => ({
    site_code: 'WP-AM18-01', municipality_code: 'GM0363',
    period: `${2012 + Math.floor(i / 360)}-${String((Math.floor(i / 30) % 12) + 1).padStart(2, '0')}`,
    client_group: GROUPS[Math.floor(i / 5) % 6], measure: MEASURES[i % 5], value: i,
  }));
}

export function utf16Csv(): Buffer {
  return Buffer.from(`\ufeff${HEADER}\r\n${ROW}\r\n`, 'utf16le');
}

/** What Excel writes as .xlsx: a zip archive (here: its local-file header and garbage), sent as CSV. */
export function xlsxAsCsv(): Buffer {
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from('[Content_Types].xml'), pseudoRandomBytes(2000, 7)]);
}

export function gzippedCsv(): Buffer {
  return gzipSync(`${HEADER}\n${ROW}\n`);
}

/** Random bytes without NUL or line breaks: not UTF-8, not CSV, and nothing a quick check can spot. */
export function garbageText(): Buffer {
  return Buffer.from(pseudoRandomBytes(4000, 3).map((b) => (b === 0 || b === 0x0a || b === 0x0d ? 0x80 : b)));
}

export function arrowStream(rows = 2000): Buffer {
  const r = validRows(rows);
  const col = (k: keyof (typeof r)[number]) => r.map((x) => String(x[k]));
  return Buffer.from(tableToIPC(tableFromArrays({
    site_code: col('site_code'), municipality_code: col('municipality_code'), period: col('period'), client_group: col('client_group'),
    measure: col('measure'), value: Float64Array.from(r.map((x) => x.value)),
  }), 'stream'));
}

/** An Arrow stream with `n` columns (schema only, one row). */
export function wideArrowStream(n: number): Buffer {
  const columns: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) columns[`c${i}`] = ['1'];
  return Buffer.from(tableToIPC(tableFromArrays(columns), 'stream'));
}

export async function parquetFile(rows = 20000, extraColumns = 0): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bad-parquet-'));
  const file = path.join(dir, 'f.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const extra = Array.from({ length: extraColumns }, (_, i) => `, 'x' AS extra_${i}`).join('');
  await conn.run(`COPY (SELECT 'WP-AM18-01' AS site_code, 'GM0363' AS municipality_code, '2024-01' AS period, 'ww' AS client_group,
      'clients_start' AS measure, CAST(i AS VARCHAR) AS value${extra} FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2000)`);
  conn.closeSync();
  instance.closeSync();
  const bytes = fs.readFileSync(file);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

export const truncate = (bytes: Buffer, fraction: number) => bytes.subarray(0, Math.floor(bytes.length * fraction));

export function millionColumnsCsv(): Buffer {
  const names = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`);
  return Buffer.from(`${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
}

export function columnsCsv(n: number): Buffer {
  const names = [...HEADER.split(','), ...Array.from({ length: n - 6 }, (_, i) => `extra_${i}`)];
  return Buffer.from(`${names.join(',')}\n${ROW}${',x'.repeat(n - 6)}\n`);
}

export function millionKeysJson(): Buffer {
  return Buffer.from(`[{${Array.from({ length: 1_000_000 }, (_, i) => `"c${i}":1`).join(',')}}]`);
}

/** 300 records, each with one field name of its own: together more columns than any file may have. */
export function manyDistinctKeysNdjson(): Buffer {
  return Buffer.from(Array.from({ length: 300 }, (_, i) => `{"site_code":"WP-AM18-01","field_${i}":1}`).join('\n') + '\n');
}

export function deeplyNestedJson(depth = 100_000): Buffer {
  return Buffer.from(`[{"site_code":${'['.repeat(depth)}${']'.repeat(depth)},"period":"2024-01"}]`);
}

export function deeplyNestedNdjson(depth = 100_000): Buffer {
  return Buffer.from(`{"site_code":"WP-AM18-01"}\n{"value":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}\n`);
}

/** A data line of 3 MB (one enormous value), more than the CSV reader takes on one line. */
export function hugeLineCsv(): Buffer {
  return Buffer.from(`${HEADER}\n${ROW}\nWP-AM18-01,GM0363,2024-02,ww,clients_start,${'9'.repeat(3_000_000)}\n`);
}

/** A 100 KB site code: a line the reader takes, a cell no message may echo whole. */
export function longCellCsv(): Buffer {
  return Buffer.from(`${HEADER}\n${'W'.repeat(100_000)},GM0363,2024-01,ww,clients_start,12\n`);
}

/** A NUL byte in a cell far beyond the first block (where the quick encoding check looks). */
export function lateNulCsv(): Buffer {
  const rows = validRows(2500).map((r) => `${r.site_code},${r.municipality_code},${r.period},${r.client_group},${r.measure},${r.value}`);
  rows[2400] = rows[2400].replace('WP-AM18-01', 'WP-AM18-01\u0000');
  return Buffer.from(`${HEADER}\n${rows.join('\n')}\n`);
}

export function multipart(boundary: string, parts: { name: string; filename?: string; type?: string; body: string | Buffer }[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
