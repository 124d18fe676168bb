import { BuildInterrupted } from '@uitkomst/sql-runner';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MetricsService } from '../src/metrics/metrics.service';
import { baseFacts, call, ReleaseContext, startReleaseApp } from './releases-setup';

const waitFor = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Uploads the facts of `facts` as CSV and waits for the final status. */
async function upload(ctx: ReleaseContext, facts: ReturnType<typeof baseFacts>): Promise<string> {
  const csv = ['site_code,municipality_code,period,client_group,measure,value',
    ...facts.map((f) => [f.site, f.municipality, f.month.slice(0, 7), f.group, f.measure, f.value].join(','))].join('\n');
  const posted = await call(ctx, '/api/v1/submissions', { method: 'POST', key: ctx.admin, headers: { 'content-type': 'text/csv' }, body: csv });
  expect(posted.status).toBe(202);
  const { id } = (await posted.json()) as { id: string };
  return ((await (await call(ctx, `/api/v1/submissions/${id}?wait=60`, { key: ctx.admin })).json()) as { status: string }).status;
}

describe('marts are rebuilt after accepted submissions', () => {
  let ctx: ReleaseContext;
  beforeAll(async () => {
    ctx = await startReleaseApp('pglite');
  });
  afterAll(() => ctx.t.close());

  it('builds once after an upload is accepted, with the new facts in mart_metrics', async () => {
    const metrics = ctx.t.app.get(MetricsService);
    expect(metrics.lastBuild).toBeNull();
    expect(await upload(ctx, baseFacts())).toBe('accepted');
    const deadline = Date.now() + 60_000;
    while (!metrics.lastBuild && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(metrics.lastBuild).not.toBeNull();
    const [{ n }] = await ctx.t.warehouse.query<{ n: number }>(`SELECT count(*)::INT AS n FROM mart_metrics WHERE level = 'national' AND metric = 'outflow_to_work'`);
    expect(n).toBeGreaterThan(0);
  });

  it('lets an upload through while an automatic rebuild runs: the rebuild gives way, changes nothing and runs again', async () => {
    const metrics = ctx.t.app.get(MetricsService);
    const before = metrics.lastBuild;
    const [{ n: martRows }] = await ctx.t.warehouse.query<{ n: number }>('SELECT count(*)::INT AS n FROM mart_metrics');
    // A metrics project whose one model would take hours: only giving way can end its build.
    const slow = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-slow-project-'));
    fs.mkdirSync(path.join(slow, 'models'));
    fs.writeFileSync(path.join(slow, 'models', 'endless.sql'), 'SELECT count(*) AS n FROM range(100000000) a(i), range(100000) b(j) WHERE (a.i * b.j) % 7 = 3');
    fs.writeFileSync(path.join(slow, 'models', 'schema.yml'), 'models:\n  - name: endless\n    config: { materialized: table }\n');
    process.env.UITKOMST_METRICS_PROJECT = slow;
    let build: Promise<unknown>;
    try {
      let settled: unknown = null;
      build = metrics.buildMetrics({ background: true }).catch((err) => err);
      build.then((outcome) => { settled = outcome ?? 'finished'; });
      await waitFor(() => ctx.t.warehouse.preemptibleRunning || settled !== null, 'the automatic rebuild to hold the writer');
      expect(settled).toBeNull(); // still running: it cannot finish
    } finally {
      delete process.env.UITKOMST_METRICS_PROJECT;
      fs.rmSync(slow, { recursive: true, force: true });
    }
    const corrected = baseFacts().map((f) => (f.measure === 'exits_to_work' && f.value > 0 ? { ...f, value: f.value - 1 } : f));
    expect(await upload(ctx, corrected)).toBe('accepted');
    expect(await build).toBeInstanceOf(BuildInterrupted);
    expect(metrics.interruptions).toBe(1);
    const [{ n: endless }] = await ctx.t.warehouse.query<{ n: number }>(`SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name = 'endless'`);
    expect(endless).toBe(0);
    // The rebuild runs again (with the real project) and includes the correction.
    await waitFor(() => metrics.lastBuild !== before && !ctx.t.warehouse.preemptibleRunning, 'the rebuild after the upload');
    const [{ n: after }] = await ctx.t.warehouse.query<{ n: number }>('SELECT count(*)::INT AS n FROM mart_metrics');
    expect(after).toBe(martRows);
    const [{ exits }] = await ctx.t.warehouse.query<{ exits: number }>(
      `SELECT CAST(numerator AS DOUBLE) AS exits FROM mart_metrics WHERE level = 'national' AND metric = 'outflow_to_work' AND grain = 'year' AND period = '2025' AND client_group = 'all'`);
    const expected = corrected.filter((f) => f.measure === 'exits_to_work' && f.month.startsWith('2025')).reduce((sum, f) => sum + f.value, 0);
    expect(exits).toBe(expected);
  });
});
