import { MetricsService } from '../src/metrics/metrics.service';
import { baseFacts, call, ReleaseContext, startReleaseApp } from './releases-setup';

describe('marts are rebuilt after accepted submissions', () => {
  let ctx: ReleaseContext;
  beforeAll(async () => {
    ctx = await startReleaseApp('pglite');
  });
  afterAll(() => ctx.t.close());

  it('builds once after an upload is accepted, with the new facts in mart_metrics', async () => {
    const metrics = ctx.t.app.get(MetricsService);
    expect(metrics.lastBuild).toBeNull();
    const csv = ['site_code,municipality_code,period,client_group,measure,value',
      ...baseFacts().map((f) => [f.site, f.municipality, f.month.slice(0, 7), f.group, f.measure, f.value].join(','))].join('\n');
    const posted = await call(ctx, '/api/v1/submissions', { method: 'POST', key: ctx.admin, headers: { 'content-type': 'text/csv' }, body: csv });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const finished = (await (await call(ctx, `/api/v1/submissions/${id}?wait=30`, { key: ctx.admin })).json()) as { status: string };
    expect(finished.status).toBe('accepted');
    const deadline = Date.now() + 60_000;
    while (!metrics.lastBuild && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(metrics.lastBuild).not.toBeNull();
    const [{ n }] = await ctx.t.warehouse.query<{ n: number }>(`SELECT count(*)::INT AS n FROM mart_metrics WHERE level = 'national' AND metric = 'outflow_to_work'`);
    expect(n).toBeGreaterThan(0);
  });
});
