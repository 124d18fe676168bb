import { AuditEvent } from '../src/audit/audit-event.entity';
import { backends } from './test-app';
import { countFacts, errorsOf, fixture, get, IngestionContext, startIngestionApp, submit, upload, WIDE_HEADER, wideRow } from './ingestion-setup';

describe.each(backends())('CSV ingestion on %s', (backend) => {
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp(backend); });
  afterAll(() => ctx.t.close());

  it('accepts a comma-separated long file: 202, Location, then accepted with its facts readable by the submitter', async () => {
    const posted = await upload(ctx, fixture('long-comma.csv'), 'text/csv', ctx.amsterdam);
    expect(posted.status).toBe(202);
    expect(posted.location).toBe(`/api/v1/submissions/${posted.body.id}`);
    expect(posted.body).toMatchObject({ id: expect.any(String), status: expect.stringMatching(/received|validating/) });
    const done = (await get(ctx, `${posted.location}?wait=30`, ctx.amsterdam)).body;
    expect(done).toMatchObject({ status: 'accepted', format: 'csv', layout: 'long', rowCount: 6, valueCount: 6, errorCount: 0, errors: [] });
    expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
    const facts = (await get(ctx, `${posted.location}/facts`, ctx.amsterdam)).body;
    expect(facts.total).toBe(6);
    expect(facts.facts).toContainEqual(expect.objectContaining({ site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2024-01', client_group: 'jongeren', measure: 'cost_personnel_eur', value: 1234.56, supersededBy: null }));
  });

  it('accepts a semicolon-separated file with a BOM and CRLF line ends', async () => {
    const done = await submit(ctx, fixture('long-semicolon-bom.csv'), 'text/csv; charset=utf-8', ctx.uwv);
    expect(done).toMatchObject({ status: 'accepted', rowCount: 4, valueCount: 4, errorCount: 0 });
    const facts = (await get(ctx, `/api/v1/submissions/${done.id}/facts`, ctx.uwv)).body.facts;
    expect(facts.map((f: any) => [f.client_group, f.measure, f.value])).toContainEqual(['bijstand_kort', 'survey_score_sum', 72.5]);
  });

  it('accepts the wide layout: one value per measure column', async () => {
    const done = await submit(ctx, fixture('wide.csv'), 'text/csv', ctx.amsterdam);
    expect(done).toMatchObject({ status: 'accepted', layout: 'wide', rowCount: 6, valueCount: 6 * 15, errorCount: 0 });
  });

  it('reports every row-level error with its line and column, and changes no fact', async () => {
    const before = await countFacts(ctx);
    const done = await submit(ctx, fixture('every-error-long.csv'), 'text/csv', ctx.amsterdam);
    expect(done.status).toBe('rejected');
    const found = errorsOf(done);
    const expected: [number, string | null, string][] = [
      [3, 'site_code', 'UNKNOWN_SITE'], [4, 'site_code', 'NOT_PARTNER'], [5, 'municipality_code', 'MUNICIPALITY_NOT_SERVED'],
      [6, 'municipality_code', 'UNKNOWN_MUNICIPALITY'], [7, 'period', 'INVALID_PERIOD'], [8, 'period', 'PERIOD_TOO_EARLY'],
      [9, 'period', 'PERIOD_IN_FUTURE'], [10, 'client_group', 'UNKNOWN_CLIENT_GROUP'], [11, 'measure', 'UNKNOWN_MEASURE'],
      [12, 'value', 'MISSING_VALUE'], [13, 'value', 'NOT_A_NUMBER'], [14, 'value', 'NEGATIVE_VALUE'], [15, 'value', 'NOT_AN_INTEGER'],
      [16, 'value', 'TOO_MANY_DECIMALS'], [17, null, 'DUPLICATE_KEY'], [18, 'municipality_code', 'MISSING_VALUE'],
      [19, 'value', 'POSSIBLE_BSN'], [20, 'value', 'INCONSISTENT_EXITS'], [22, 'value', 'INCONSISTENT_SUSTAINED_EXITS'],
      [24, 'value', 'INCONSISTENT_SURVEY'], [25, 'value', 'INCONSISTENT_SCORE_SUM'], [26, 'municipality_code', 'MUNICIPALITY_NOT_SERVED'],
      [27, 'municipality_code', 'MUNICIPALITY_NOT_VALID_IN_PERIOD'], [27, 'municipality_code', 'MUNICIPALITY_NOT_SERVED'],
    ];
    for (const e of expected) expect(found).toContainEqual(e);
    expect(found).toHaveLength(expected.length);
    expect(done.errorCount).toBe(expected.length);
    expect(done.errors.find((e: any) => e.code === 'DUPLICATE_KEY').message).toMatch(/line 2/);
    expect(done.errors.find((e: any) => e.code === 'POSSIBLE_BSN').message).not.toContain('111222333');
    expect(await countFacts(ctx)).toBe(before);
    const csv = (await get(ctx, `/api/v1/submissions/${done.id}/errors.csv`, ctx.amsterdam)).body as string;
    expect(csv.split('\n')[0]).toBe('row,column,code,message');
    expect(csv.trim().split('\n')).toHaveLength(expected.length + 1);
  });

  it('refuses unknown and missing columns, and a BSN in any cell, including key columns and unknown columns', async () => {
    const file = 'site_code,municipality_code,period,measure,value,bsn\nWP-AM18-01,GM0363,2024-05,clients_start,1,123456782\n111222333,GM0363,2024-05,clients_start,1,x\n';
    const done = await submit(ctx, file, 'text/csv', ctx.amsterdam);
    expect(done.status).toBe('rejected');
    expect(errorsOf(done)).toEqual(expect.arrayContaining([
      [1, 'bsn', 'UNKNOWN_COLUMN'], [1, 'client_group', 'MISSING_COLUMN'], [2, 'bsn', 'POSSIBLE_BSN'], [3, 'site_code', 'POSSIBLE_BSN'],
    ]));
  });

  it('reports a wide file\'s errors on the measure column, and inconsistent sets between measures of one row', async () => {
    const bad = wideRow('2024-05').replace(',100,20,15,10,6,12,90,700,8,', ',1,2,15,10,6,12,90,7000,8,');
    const done = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2024-05', 'jongeren')}\n${bad}\n${wideRow('2024-05', 'overig').replace(',300,18,', ',300,0,')}\n`, 'text/csv', ctx.amsterdam);
    expect(done.status).toBe('rejected');
    expect(errorsOf(done)).toEqual([
      [3, 'exits_total', 'INCONSISTENT_EXITS'], [3, 'survey_score_sumsq', 'INCONSISTENT_SCORE_SUMSQ'], [4, 'days_to_first_offer_sum', 'INCONSISTENT_FIRST_OFFERS'],
    ]);
  });

  it('accepts key cells with spaces around them, stored trimmed (the fast check leaves them to the detailed checks)', async () => {
    const header = 'site_code,municipality_code,period,client_group,measure,value';
    const spaced = await submit(ctx, `${header}\n WP-AM18-01 , GM0363,2024-09,ww,clients_start,40\n`, 'text/csv', ctx.amsterdam);
    expect(spaced).toMatchObject({ status: 'accepted', valueCount: 1, errorCount: 0 });
    const stored = await ctx.t.warehouse.query<{ site_code: string; municipality_code: string; value: number }>(
      `SELECT site_code, municipality_code, value FROM fact_values WHERE submission_id = $1`, [spaced.id]);
    expect(stored).toEqual([{ site_code: 'WP-AM18-01', municipality_code: 'GM0363', value: 40 }]);
  });

  it('refuses an empty file and a header without rows', async () => {
    expect(errorsOf(await submit(ctx, '', 'text/csv', ctx.amsterdam))).toEqual([[null, null, 'EMPTY_FILE']]);
    expect(errorsOf(await submit(ctx, 'site_code,municipality_code,period,client_group,measure,value\n', 'text/csv', ctx.amsterdam))).toEqual([[null, null, 'EMPTY_FILE']]);
  });

  it('refuses lines with too many cells and invalid UTF-8 with their line numbers', async () => {
    const body = Buffer.concat([Buffer.from('site_code,municipality_code,period,client_group,measure,value\nWP-AM18-01,GM0363,2024-06,ww,clients_start,1,extra\nWP-AM18-01,GM0363,2024-06,ww,clients_new,'),
      Buffer.from([0xff, 0xfe]), Buffer.from('\nWP-AM18-01,GM0363,2024-06,ww,exits_total,123456782\n')]);
    const done = await submit(ctx, body, 'text/csv', ctx.amsterdam);
    expect(errorsOf(done)).toEqual([[2, null, 'MALFORMED_ROW'], [3, null, 'INVALID_ENCODING'], [4, 'value', 'POSSIBLE_BSN']]);
  });

  it('is idempotent: the same content from the same organisation returns the existing submission', async () => {
    const file = `${WIDE_HEADER}\n${wideRow('2024-07')}\n`;
    const first = await submit(ctx, file, 'text/csv', ctx.amsterdam);
    const before = await countFacts(ctx);
    const again = await upload(ctx, file, 'text/csv', ctx.amsterdam);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, status: 'accepted', existing: true });
    expect(await countFacts(ctx)).toBe(before);
    const byOtherPartner = await submit(ctx, file, 'text/csv', ctx.uwv);
    expect(byOtherPartner.id).not.toBe(first.id);
  });

  it('audits receipt and acceptance with the key that submitted', async () => {
    const done = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2024-08')}\n`, 'text/csv', ctx.amsterdam);
    const events = await ctx.db.getRepository(AuditEvent).find({ where: { targetId: done.id }, order: { id: 'ASC' } });
    expect(events.map((e) => e.action)).toEqual(['submission.receive', 'submission.accept']);
    expect(events[0]).toMatchObject({ actorOrganisation: 'ORG-GM0363', actorKeyId: expect.any(String) });
    expect(events[1].details).toMatchObject({ values: 15 });
  });

  it('serves the template and the measure catalogue', async () => {
    expect((await get(ctx, '/api/v1/submissions/template.csv')).body).toBe('site_code,municipality_code,period,client_group,measure,value\n');
    expect((await get(ctx, '/api/v1/submissions/template.csv?layout=wide')).body).toBe(`${WIDE_HEADER}\n`);
    const measures = (await get(ctx, '/api/v1/measures')).body;
    expect(measures).toHaveLength(15);
    expect(measures.find((m: any) => m.code === 'exits_to_work')).toMatchObject({ kind: 'count', valueRule: expect.any(String) });
  });
});
