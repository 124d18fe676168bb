import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { backends } from './test-app';
import { countFacts, errorsOf, get, IngestionContext, startIngestionApp, submit, upload } from './ingestion-setup';

const rows = (period: string) => [
  { site_code: 'WP-AM18-01', municipality_code: 'GM0363', period, client_group: 'ww', measure: 'clients_start', value: 50 },
  { site_code: 'WP-AM18-01', municipality_code: 'GM0363', period, client_group: 'ww', measure: 'cost_overhead_eur', value: 99.95 },
  { site_code: 'WP-AM18-01', municipality_code: 'GM0363', period, client_group: 'jongeren', measure: 'survey_score_sum', value: '17.5' },
];
/** Same rows, with errors in records 2 (negative) and 3 (unknown group, and a BSN in the site code). */
const badRows = (period: string) => [
  rows(period)[0],
  { ...rows(period)[1], value: -1 },
  { ...rows(period)[2], client_group: 'kids', site_code: '123456782' },
];

async function writeParquet(file: string, records: Record<string, unknown>[], valueType: 'DOUBLE' | 'VARCHAR') {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const values = records.map((r) => `(${['site_code', 'municipality_code', 'period', 'client_group', 'measure'].map((c) => `'${r[c]}'`).join(', ')}, CAST('${r.value}' AS ${valueType}))`);
  await conn.run(`COPY (SELECT * FROM (VALUES ${values.join(', ')}) t(site_code, municipality_code, period, client_group, measure, value)) TO '${file}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
  return fs.readFileSync(file);
}

/** A Parquet file of `columns` (name and DuckDB type) holding `records` (rows of SQL literals). */
async function typedParquet(file: string, columns: [string, string][], records: string[][]) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE t (${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`);
  await conn.run(`INSERT INTO t VALUES ${records.map((r) => `(${r.join(', ')})`).join(', ')}`);
  await conn.run(`COPY t TO '${file}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
  return fs.readFileSync(file);
}

const LONG_COLUMNS = (valueType: string): [string, string][] => [
  ['site_code', 'VARCHAR'], ['municipality_code', 'VARCHAR'], ['period', 'VARCHAR'], ['client_group', 'VARCHAR'], ['measure', 'VARCHAR'], ['value', valueType]];
const longRecord = (period: string, group: string, measure: string, value: string) => [`'WP-AM18-01'`, `'GM0363'`, `'${period}'`, `'${group}'`, `'${measure}'`, value];

function arrowStream(records: Record<string, unknown>[]) {
  const col = (c: string) => records.map((r) => String(r[c]));
  return tableToIPC(tableFromArrays({
    site_code: col('site_code'), municipality_code: col('municipality_code'), period: col('period'), client_group: col('client_group'),
    measure: col('measure'), value: Float64Array.from(records.map((r) => Number(r.value))),
  }), 'stream');
}

describe.each(backends())('file formats on %s', (backend) => {
  let ctx: IngestionContext;
  let dir: string;
  beforeAll(async () => {
    ctx = await startIngestionApp(backend);
    dir = fs.mkdtempSync(path.join(ctx.t.config.dataDir, 'formats-'));
  });
  afterAll(() => ctx.t.close());

  const expectAccepted = (done: any, format: string) => expect(done).toMatchObject({ status: 'accepted', format, layout: 'long', rowCount: 3, valueCount: 3, errorCount: 0 });
  const expectBadRecords = (done: any) => expect(errorsOf(done)).toEqual([
    [2, 'value', 'NEGATIVE_VALUE'], [3, 'client_group', 'UNKNOWN_CLIENT_GROUP'], [3, 'site_code', 'POSSIBLE_BSN'], [3, 'site_code', 'UNKNOWN_SITE'],
  ]);

  it('accepts a JSON array of objects (numbers and strings as values) and reports bad records by number', async () => {
    expectAccepted(await submit(ctx, JSON.stringify(rows('2022-01')), 'application/json', ctx.amsterdam), 'json');
    expectBadRecords(await submit(ctx, JSON.stringify(badRows('2022-01')), 'application/json', ctx.amsterdam));
  });

  it('refuses a JSON record with a key outside the schema', async () => {
    const done = await submit(ctx, JSON.stringify([{ ...rows('2022-02')[0], name: 'J. Jansen' }]), 'application/json', ctx.amsterdam);
    expect(errorsOf(done)).toEqual([[null, 'name', 'UNKNOWN_COLUMN']]);
  });

  it('accepts NDJSON and reports bad lines', async () => {
    const ndjson = (r: object[]) => r.map((x) => JSON.stringify(x)).join('\n') + '\n';
    expectAccepted(await submit(ctx, ndjson(rows('2022-03')), 'application/x-ndjson', ctx.amsterdam), 'ndjson');
    expectBadRecords(await submit(ctx, ndjson(badRows('2022-03')), 'application/x-ndjson', ctx.amsterdam));
  });

  it('accepts an Arrow IPC stream and reports bad records', async () => {
    expectAccepted(await submit(ctx, arrowStream(rows('2022-04')), 'application/vnd.apache.arrow.stream', ctx.amsterdam), 'arrow');
    expectBadRecords(await submit(ctx, arrowStream(badRows('2022-04')), 'application/vnd.apache.arrow.stream', ctx.amsterdam));
  });

  it('accepts Parquet with numeric or text values and reports bad records', async () => {
    expectAccepted(await submit(ctx, await writeParquet(path.join(dir, 'a.parquet'), rows('2022-05'), 'DOUBLE'), 'application/vnd.apache.parquet', ctx.amsterdam), 'parquet');
    expectAccepted(await submit(ctx, await writeParquet(path.join(dir, 'b.parquet'), rows('2022-06'), 'VARCHAR'), 'application/vnd.apache.parquet', ctx.amsterdam), 'parquet');
    expectBadRecords(await submit(ctx, await writeParquet(path.join(dir, 'c.parquet'), badRows('2022-05'), 'DOUBLE'), 'application/vnd.apache.parquet', ctx.amsterdam));
  });

  it('stores typed Parquet numbers exactly as they are (integers, doubles, wide files) and a FLOAT as its written value', async () => {
    const valuesOf = async (done: any) => (await ctx.t.warehouse.query<{ measure: string; value: number }>(
      `SELECT measure, value FROM fact_values WHERE submission_id = $1 ORDER BY measure`, [done.id])).map((r) => [r.measure, r.value]);
    const integers = await submit(ctx, await typedParquet(path.join(dir, 'int.parquet'), LONG_COLUMNS('BIGINT'),
      [longRecord('2022-08', 'ww', 'clients_start', '50'), longRecord('2022-08', 'ww', 'first_offers', '7')]), 'application/vnd.apache.parquet', ctx.amsterdam);
    expect(await valuesOf(integers)).toEqual([['clients_start', 50], ['first_offers', 7]]);
    // 0.1 + 0.2 is a valid sum with more than 2 decimals in its shortest text: the detailed checks take it, unchanged
    const doubles = await submit(ctx, await typedParquet(path.join(dir, 'double.parquet'), LONG_COLUMNS('DOUBLE'),
      [longRecord('2022-08', 'jongeren', 'cost_overhead_eur', '99.95'), longRecord('2022-08', 'jongeren', 'survey_score_sum', '0.1::DOUBLE + 0.2::DOUBLE')]),
    'application/vnd.apache.parquet', ctx.amsterdam);
    expect(doubles).toMatchObject({ status: 'accepted', valueCount: 2 });
    expect(await valuesOf(doubles)).toEqual([['cost_overhead_eur', 99.95], ['survey_score_sum', 0.1 + 0.2]]);
    const float = await submit(ctx, await typedParquet(path.join(dir, 'float.parquet'), LONG_COLUMNS('FLOAT'),
      [longRecord('2022-08', 'overig', 'cost_overhead_eur', '0.1')]), 'application/vnd.apache.parquet', ctx.amsterdam);
    expect(await valuesOf(float)).toEqual([['cost_overhead_eur', 0.1]]);
    const wide = await submit(ctx, await typedParquet(path.join(dir, 'wide.parquet'),
      [['site_code', 'VARCHAR'], ['municipality_code', 'VARCHAR'], ['period', 'VARCHAR'], ['client_group', 'VARCHAR'], ['clients_start', 'INTEGER'], ['cost_overhead_eur', 'DOUBLE']],
      [[`'WP-AM18-01'`, `'GM0363'`, `'2022-09'`, `'ww'`, '40', '1200.25']]), 'application/vnd.apache.parquet', ctx.amsterdam);
    expect(wide).toMatchObject({ status: 'accepted', layout: 'wide', valueCount: 2 });
    expect(await valuesOf(wide)).toEqual([['clients_start', 40], ['cost_overhead_eur', 1200.25]]);
  });

  it('finds what would be a citizen service number in a typed Parquet number, by record', async () => {
    const before = await countFacts(ctx);
    const done = await submit(ctx, await typedParquet(path.join(dir, 'bsn.parquet'), LONG_COLUMNS('DOUBLE'),
      [longRecord('2022-10', 'ww', 'clients_new', '3'), longRecord('2022-10', 'ww', 'clients_start', '123456782')]), 'application/vnd.apache.parquet', ctx.amsterdam);
    expect(errorsOf(done)).toEqual([[2, 'value', 'POSSIBLE_BSN']]);
    expect(await countFacts(ctx)).toBe(before);
  });

  it('answers UNREADABLE_FILE for a Parquet file whose metadata reads but whose data does not', async () => {
    const records = Array.from({ length: 200 }, (_, i) => longRecord('2022-11', 'ww', 'clients_start', String(i)));
    const file = Buffer.from(await typedParquet(path.join(dir, 'corrupt.parquet'), LONG_COLUMNS('DOUBLE'), records));
    const middle = Math.floor(file.length / 2);
    for (let i = middle; i < middle + 16; i++) file[i] ^= 0xff; // inside a compressed data page; the footer stays intact
    const before = await countFacts(ctx);
    const done = await submit(ctx, file, 'application/vnd.apache.parquet', ctx.amsterdam);
    expect(errorsOf(done)).toEqual([[null, null, 'UNREADABLE_FILE']]);
    expect(done.errors[0].message).toMatch(/^The file cannot be read as PARQUET: .*decompression/);
    expect(await countFacts(ctx)).toBe(before);
  });

  it('accepts the file as multipart field "file", typed by its part type or extension', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob([JSON.stringify(rows('2022-07'))], { type: 'application/octet-stream' }), 'figures.json');
    const res = await fetch(`${ctx.t.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${ctx.amsterdam}` }, body: form });
    expect(res.status).toBe(202);
    const posted = (await res.json()) as any;
    const done = (await get(ctx, `/api/v1/submissions/${posted.id}?wait=30`, ctx.amsterdam)).body;
    expect(done).toMatchObject({ status: 'accepted', format: 'json', filename: 'figures.json', valueCount: 3 });
    const empty = new FormData();
    empty.append('other', 'x');
    expect((await fetch(`${ctx.t.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${ctx.amsterdam}` }, body: empty })).status).toBe(400);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for other types, and UNREADABLE_FILE for content that is not what it claims', async () => {
    const posted = await upload(ctx, 'hello', 'text/plain', ctx.amsterdam);
    expect(posted.status).toBe(415);
    expect(posted.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const before = await countFacts(ctx);
    for (const type of ['application/vnd.apache.parquet', 'application/vnd.apache.arrow.stream', 'application/x-ndjson']) {
      const done = await submit(ctx, 'this is, not; that format\n{', type, ctx.amsterdam);
      expect(errorsOf(done)).toEqual([[null, null, 'UNREADABLE_FILE']]);
    }
    expect(await countFacts(ctx)).toBe(before);
  });
});
