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
