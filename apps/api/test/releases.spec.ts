/** Release lifecycle: publishing, immutability, checksums, ids, access control. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetricsService } from '../src/metrics/metrics.service';
import { ReleasesService } from '../src/releases/releases.service';
import { readParquet } from './parquet-reader';
import { backends } from './test-app';
import { addSubmission, baseFacts, call, currentFacts, expectedOutflow, getJson, MONTH, publish, ReleaseContext, startReleaseApp } from './releases-setup';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const parquetRows = (file: string) => readParquet(new Uint8Array(fs.readFileSync(file)));

describe.each(backends())('releases on %s', (backend) => {
  let ctx: ReleaseContext;
  let first: any;
  const year = new Date().getUTCFullYear();
  const dirOf = (id: string) => path.join(ctx.t.config.dataDir, 'releases', id);

  beforeAll(async () => {
    ctx = await startReleaseApp(backend);
    await addSubmission(ctx, baseFacts());
  });
  afterAll(() => ctx.t.close());

  it('has no release before the first publication', async () => {
    expect((await call(ctx, '/api/v1/releases/latest')).status).toBe(404);
    expect(await getJson(ctx, '/api/v1/releases')).toEqual([]);
    const metrics = await call(ctx, '/api/v1/metrics?metric=outflow_to_work');
    expect(metrics.status).toBe(404);
  });

  it('lets only admins publish', async () => {
    expect((await call(ctx, '/api/v1/releases', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call(ctx, '/api/v1/releases', { method: 'POST', body: '{}', key: ctx.submitter })).status).toBe(403);
    expect((await call(ctx, '/api/v1/releases', { method: 'POST', body: JSON.stringify({ title: 5 }), key: ctx.admin })).status).toBe(400);
    expect(await getJson(ctx, '/api/v1/releases')).toEqual([]);
  });

  it('publishes release <year>.1 with Parquet files, manifest checksums, row counts, submissions and a codebook', async () => {
    first = await publish(ctx, 'first');
    expect(first.id).toBe(`${year}.1`);
    expect(first.sequence).toBe(1);
    const m = first.manifest;
    expect(m.submissions).toEqual(ctx.submissions);
    expect(m.licence).toEqual({ data: 'CC-BY-4.0', code: 'EUPL-1.2' });
    expect(m.metricDefinitionVersion).toEqual(first.metricDefinitionVersion);
    expect(m.files.map((f: any) => f.name).sort()).toEqual(['codebook.json', 'codebook.md', 'facts.parquet', 'metrics.parquet', 'peer_groups.parquet', 'sites.parquet', 'typology_outcomes.parquet']);
    for (const f of m.files) {
      const file = path.join(dirOf(first.id), f.name);
      expect(sha256(file)).toBe(f.sha256);
      expect(fs.statSync(file).size).toBe(f.bytes);
      expect(fs.statSync(file).mode & 0o222).toBe(0); // read-only
      if (f.rows !== null) expect((await parquetRows(file)).length).toBe(f.rows);
    }
    const onDisk = JSON.parse(fs.readFileSync(path.join(dirOf(first.id), 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(m);
    expect(m.files.find((f: any) => f.table === 'metrics').rows).toBeGreaterThan(0);
    const codebook = JSON.parse(fs.readFileSync(path.join(dirOf(first.id), 'codebook.json'), 'utf8'));
    expect(codebook.release).toBe(first.id);
    expect(codebook.tables.find((t: any) => t.table === 'metrics').columns.map((c: any) => c.name)).toEqual(expect.arrayContaining(['metric', 'value', 'suppressed']));
  });

  it('lists the release and serves it by id and as latest', async () => {
    const list = await getJson(ctx, '/api/v1/releases');
    expect(list.map((r: any) => r.id)).toEqual([first.id]);
    expect(list[0].rows.metrics).toBe(first.manifest.files.find((f: any) => f.table === 'metrics').rows);
    expect((await getJson(ctx, '/api/v1/releases/latest')).id).toBe(first.id);
    expect((await getJson(ctx, `/api/v1/releases/${first.id}`)).manifest).toEqual(first.manifest);
    const missing = await call(ctx, `/api/v1/releases/${year}.99`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).message).toContain(first.id);
    expect((await call(ctx, '/api/v1/releases/not-an-id')).status).toBe(404);
  });

  it('never changes a release: a new submission and a second release leave release 1 byte for byte', async () => {
    const before = Object.fromEntries(fs.readdirSync(dirOf(first.id)).map((f) => [f, sha256(path.join(dirOf(first.id), f))]));
    const q = `/api/v1/metrics?metric=outflow_to_work&level=municipality&unit=GM0363&period=2025`;
    const oldRow = (await getJson(ctx, `${q}&release=${first.id}`))[0];
    await addSubmission(ctx, [{ site: 'WP-AM18-01', municipality: 'GM0363', month: MONTH, group: 'ww', measure: 'exits_to_work', value: 150 }]);
    // the live marts have the new value now, but nothing unreleased is served
    await ctx.t.app.get(MetricsService).buildMetrics();
    const [live] = await ctx.t.warehouse.query<any>(`SELECT numerator FROM mart_metrics_public WHERE metric = 'outflow_to_work' AND level = 'municipality' AND unit = 'GM0363' AND period = '2025' AND client_group = 'all'`);
    expect(live.numerator).not.toBe(oldRow.numerator);
    expect((await getJson(ctx, `${q}&release=latest`))[0]).toEqual(oldRow);
    expect((await getJson(ctx, `${q}&clientGroup=all`))[0]).toEqual(oldRow);
    const second = await publish(ctx, 'second');
    expect(second.id).toBe(`${year}.2`);
    expect(second.sequence).toBe(2);
    expect(second.manifest.submissions).toEqual(ctx.submissions);
    const after = Object.fromEntries(fs.readdirSync(dirOf(first.id)).map((f) => [f, sha256(path.join(dirOf(first.id), f))]));
    expect(after).toEqual(before);
    expect((await getJson(ctx, `/api/v1/releases/${first.id}`)).manifest).toEqual(first.manifest);
    // release 1 still answers with the old figures; latest has the new ones, computed from the facts
    expect((await getJson(ctx, `${q}&release=${first.id}`))[0]).toEqual(oldRow);
    const expected = expectedOutflow(await currentFacts(ctx), (f) => f.municipality === 'GM0363' && f.month.startsWith('2025'));
    const latest = (await getJson(ctx, q))[0];
    expect(latest.numerator).toBe(expected.numerator);
    expect(latest.value).toBeCloseTo(expected.value, 10);
    expect(latest.value).not.toBeCloseTo(oldRow.value, 5);
    expect((await getJson(ctx, '/api/v1/releases')).map((r: any) => r.id)).toEqual([second.id, first.id]);
  });

  it('has no endpoint that modifies or deletes a release', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await call(ctx, `/api/v1/releases/${first.id}`, { method, key: ctx.admin, body: '{}' });
      expect([404, 405]).toContain(res.status);
    }
    expect(sha256(path.join(dirOf(first.id), 'metrics.parquet'))).toBe(first.manifest.files.find((f: any) => f.name === 'metrics.parquet').sha256);
  });

  it('verifies checksums on load and refuses to serve a tampered release', async () => {
    const third = await publish(ctx, 'third');
    const file = path.join(dirOf(third.id), 'metrics.parquet');
    fs.chmodSync(file, 0o644);
    fs.appendFileSync(file, Buffer.from([0]));
    const res = await call(ctx, `/api/v1/metrics?metric=outflow_to_work&release=${third.id}`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).message).toMatch(/checksum/);
    expect((await call(ctx, `/api/v1/releases/${third.id}/files/metrics.parquet`)).status).toBe(503);
    // an intact release still verifies
    const service = ctx.t.app.get(ReleasesService);
    await expect(service.verify(await service.get(first.id))).resolves.toMatchObject({ id: first.id });
  });
});
