import { AuditEvent } from '../src/audit/audit-event.entity';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { backends } from './test-app';
import { countFacts, get, IngestionContext, startIngestionApp, submit, WIDE_HEADER, wideRow } from './ingestion-setup';

const LONG = 'site_code,municipality_code,period,client_group,measure,value';

describe.each(backends())('versions and history on %s', (backend) => {
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp(backend); });
  afterAll(() => ctx.t.close());

  it('supersedes earlier values of the same key, keeps them, and marks a fully replaced submission superseded', async () => {
    const first = await submit(ctx, `${LONG}\nWP-AM18-01,GM0363,2023-01,ww,clients_start,100\nWP-AM18-01,GM0363,2023-01,ww,clients_new,10\n`, 'text/csv', ctx.amsterdam);
    const second = await submit(ctx, `${LONG}\nWP-AM18-01,GM0363,2023-01,ww,clients_start,101\n`, 'text/csv', ctx.uwv);
    expect([first.status, second.status]).toEqual(['accepted', 'accepted']);
    let firstNow = (await get(ctx, `/api/v1/submissions/${first.id}`, ctx.amsterdam)).body;
    expect(firstNow).toMatchObject({ status: 'accepted', supersededValues: 1, supersededBy: second.id });
    const third = await submit(ctx, `${LONG}\nWP-AM18-01,GM0363,2023-01,ww,clients_new,11\nWP-AM18-01,GM0363,2023-01,ww,clients_start,102\n`, 'text/csv', ctx.amsterdam);
    firstNow = (await get(ctx, `/api/v1/submissions/${first.id}`, ctx.amsterdam)).body;
    expect(firstNow).toMatchObject({ status: 'superseded', supersededValues: 2, supersededBy: third.id });
    expect((await get(ctx, `/api/v1/submissions/${second.id}`, ctx.uwv)).body.status).toBe('superseded');

    const history = (await get(ctx, '/api/v1/facts/history?site=WP-AM18-01&municipality=GM0363&period=2023-01&clientGroup=ww&measure=clients_start', ctx.uwv)).body;
    expect(history.versions.map((v: any) => [v.value, v.submissionId, v.supersededBy, v.current])).toEqual([
      [100, first.id, second.id, false], [101, second.id, third.id, false], [102, third.id, null, true],
    ]);
    const current = await ctx.t.warehouse.query<{ value: number }>(
      `SELECT value FROM facts_current WHERE site_code = 'WP-AM18-01' AND period = DATE '2023-01-01' AND client_group = 'ww' AND measure = 'clients_start'`);
    expect(current).toEqual([{ value: 102 }]);
    const facts = (await get(ctx, `/api/v1/submissions/${first.id}/facts`, ctx.amsterdam)).body.facts;
    expect(facts.every((f: any) => f.supersededBy !== null)).toBe(true);
    const audit = await ctx.db.getRepository(AuditEvent).findBy({ action: 'submission.superseded' });
    expect(audit.map((a) => a.targetId)).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  it('keeps history private to partners of the site and admin', async () => {
    expect((await get(ctx, '/api/v1/facts/history?site=WP-AM18-01', ctx.eemsdelta)).status).toBe(403);
    expect((await get(ctx, '/api/v1/facts/history?site=WP-AM18-01')).status).toBe(401);
    expect((await get(ctx, '/api/v1/facts/history?site=WP-AM18-01', ctx.admin)).status).toBe(200);
    expect((await get(ctx, '/api/v1/facts/history?site=WP-AM18-01&period=2023-1', ctx.admin)).status).toBe(400);
  });

  it('accepts a merged predecessor for months before the merger only, and the successor only after it', async () => {
    const ok = await submit(ctx, `${LONG}\nWT-GM1979-01,GM0003,2020-12,ww,clients_start,5\nWT-GM1979-01,GM1979,2021-01,ww,clients_start,6\n`, 'text/csv', ctx.eemsdelta);
    expect(ok).toMatchObject({ status: 'accepted', valueCount: 2 });
    const bad = await submit(ctx, `${LONG}\nWT-GM1979-01,GM0003,2021-01,ww,clients_start,5\nWT-GM1979-01,GM1979,2020-12,ww,clients_start,6\n`, 'text/csv', ctx.eemsdelta);
    expect(bad.errors.map((e: any) => [e.row, e.code])).toEqual([[2, 'MUNICIPALITY_NOT_VALID_IN_PERIOD'], [3, 'MUNICIPALITY_NOT_VALID_IN_PERIOD']]);
    expect(bad.errors[0].message).toMatch(/GM0003.*2021-01.*2010-01-01 to 2020-12-31/);
  });

  it('tells onAccepted listeners about every accepted submission, and survives a failing listener', async () => {
    const ingestion = ctx.t.app.get(IngestionService);
    const heard: string[] = [];
    const offFailing = ingestion.onAccepted(() => { throw new Error('listener broke'); });
    const off = ingestion.onAccepted((a) => { heard.push(a.submission.id); });
    const done = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2023-02')}\n`, 'text/csv', ctx.amsterdam);
    off();
    offFailing();
    expect(done.status).toBe('accepted');
    expect(heard).toEqual([done.id]);
  });

  it('lists the organisation\'s own submissions; admin sees all', async () => {
    const own = (await get(ctx, '/api/v1/submissions', ctx.eemsdelta)).body;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((s: any) => s.organisationCode === 'ORG-GM1979')).toBe(true);
    const all = (await get(ctx, '/api/v1/submissions?limit=1000', ctx.admin)).body;
    expect(new Set(all.map((s: any) => s.organisationCode))).toEqual(new Set(['ORG-GM0363', 'UWV-AM18', 'ORG-GM1979']));
    const rejected = (await get(ctx, '/api/v1/submissions?status=rejected', ctx.eemsdelta)).body;
    expect(rejected.map((s: any) => s.status)).toEqual(['rejected']);
  });

  it('submits in-process through submitFile and resolves with the finished submission', async () => {
    const before = await countFacts(ctx);
    const file = require('node:path').join(ctx.t.config.dataDir, 'in-process.csv');
    require('node:fs').writeFileSync(file, `${WIDE_HEADER}\n${wideRow('2023-03', 'overig')}\n`);
    const [adminKey] = await ctx.db.query(`SELECT id FROM api_keys WHERE role = 'admin'`);
    const done = await ctx.t.app.get(IngestionService).submitFile({ key: { id: adminKey.id, role: 'admin', organisationCode: null }, filePath: file, contentType: 'text/csv' });
    expect(done).toMatchObject({ status: 'accepted', valueCount: 15, filename: 'in-process.csv' });
    expect(await countFacts(ctx)).toBe(before + 15);
  });
});
