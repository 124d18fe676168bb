/**
 * Start-up reconciliation on crafted crash states: each state below is what a kill at a particular moment
 * leaves behind (facts committed but the status update lost, facts of a submission PostgreSQL rejected or
 * never heard of, a stored upload awaiting validation, a lost upload, a release killed while building,
 * damaged release files, wrong supersession bookkeeping). The app is stopped and started again on the same
 * stores; the checks compare with an independent model of applying the accepted submissions in order.
 */
import { randomUUID, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { REGISTRY } from './ingestion-setup';
import { applyInOrder, createDatabase, currentFacts, http, keyOf, longCsv, RunningApp, startAppOn, Stores, tempDir, Value } from './faults-setup';
import { backends } from './test-app';
import { writeSubmissionFacts } from './write-facts';

const SITE = 'WP-AM18-01';
const GM = 'GM0363';
const v = (period: string, measure: string, value: number): Value => ({ site: SITE, municipality: GM, period, group: 'ww', measure, value });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(backends())('start-up reconciliation on %s', (backend) => {
  let root: string;
  let stores: Stores;
  let dropDb: (() => Promise<void>) | null = null;
  let app: RunningApp;
  let admin: string;
  let submitter: string;
  const ids: Record<string, string> = {};
  const values: Record<string, Value[]> = {};
  let lostCsv = '';
  let report: any;
  const damaged = '2001.1';

  /** What the fact pipeline does in one DuckDB transaction: supersede the current values of the keys, append the new ones. */
  async function writeFacts(id: string, vals: Value[], acceptedAt: string) {
    await writeSubmissionFacts(app.warehouse, id, acceptedAt, vals.map((f) => ({ ...f, month: f.period })));
  }

  async function insertSubmission(id: string, status: string, content: string, valueCount: number | null) {
    await app.db.query(`INSERT INTO submissions (id, organisation_code, api_key_id, status, format, sha256, byte_size, value_count, finished_at)
      VALUES ($1, 'ORG-GM0363', $2, $3::varchar, 'csv', $4, $5, $6, CASE WHEN $3::varchar IN ('accepted', 'rejected') THEN now() END)`,
    [id, randomUUID(), status, sha(content), Buffer.byteLength(content), valueCount]);
  }

  async function submitCsv(csv: string) {
    const posted = await http(app.url, 'POST', '/api/v1/submissions', { key: submitter, body: csv, type: 'text/csv' });
    expect(posted.status).toBe(202);
    const done = await http(app.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: submitter });
    expect(done.body.status).toBe('accepted');
    return posted.body.id as string;
  }

  beforeAll(async () => {
    root = tempDir('reconcile');
    const created = backend === 'postgres' ? await createDatabase() : null;
    dropDb = created?.drop ?? null;
    stores = { dataDir: path.join(root, 'data'), databaseUrl: created?.url ?? null };
    app = await startAppOn(stores);
    await runFirstStart(app.app);
    const keys = app.app.get(ApiKeysService);
    admin = (await keys.bootstrapAdmin()).key;
    expect((await http(app.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY })).status).toBeLessThan(300);
    submitter = (await keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: 'ORG-GM0363' })).key;

    // Two real, accepted submissions; B supersedes four of A's values.
    values.A = ['2024-01', '2024-02', '2024-03'].flatMap((p, i) => [v(p, 'clients_start', 100 + i), v(p, 'clients_new', 10 + i)]);
    values.B = ['2024-02', '2024-03', '2024-04'].flatMap((p, i) => [v(p, 'clients_start', 200 + i), v(p, 'clients_new', 20 + i)]);
    ids.A = await submitCsv(longCsv(values.A));
    ids.B = await submitCsv(longCsv(values.B));
    const later = (n: number) => new Date(Date.now() + n * 10).toISOString().replace('T', ' ').replace('Z', '');

    // C: committed in DuckDB, killed before PostgreSQL heard of it (still `validating`).
    ids.C = randomUUID();
    values.C = [v('2024-04', 'clients_start', 300), v('2024-05', 'clients_start', 301)];
    await insertSubmission(ids.C, 'validating', longCsv(values.C), null);
    await writeFacts(ids.C, values.C, later(1));
    // D: PostgreSQL rejected it, yet DuckDB holds its facts; F (accepted) superseded one of D's values afterwards.
    ids.D = randomUUID();
    values.D = [v('2024-01', 'clients_new', 400), v('2024-03', 'clients_start', 401)];
    await insertSubmission(ids.D, 'rejected', longCsv(values.D), null);
    await writeFacts(ids.D, values.D, later(2));
    ids.F = randomUUID();
    values.F = [v('2024-03', 'clients_start', 500)];
    await insertSubmission(ids.F, 'accepted', longCsv(values.F), 1);
    await writeFacts(ids.F, values.F, later(3));
    // E: facts of a submission PostgreSQL has never heard of.
    ids.E = randomUUID();
    values.E = [v('2024-02', 'clients_start', 600)];
    await writeFacts(ids.E, values.E, later(4));
    // G: received, file stored, killed before validation: validated again after the restart.
    ids.G = randomUUID();
    values.G = [v('2024-06', 'clients_start', 700), v('2024-04', 'clients_start', 701)];
    await insertSubmission(ids.G, 'validating', longCsv(values.G), null);
    fs.writeFileSync(path.join(stores.dataDir, 'uploads', `${ids.G}.csv`), longCsv(values.G));
    // H: received, but the stored file is gone (killed between the insert and the rename).
    ids.H = randomUUID();
    lostCsv = longCsv([v('2024-07', 'clients_start', 800)]);
    await insertSubmission(ids.H, 'received', lostCsv, null);
    fs.writeFileSync(path.join(stores.dataDir, 'uploads', `${randomUUID()}.part`), 'half an upl');
    // Bookkeeping gone wrong.
    await app.db.query(`UPDATE submissions SET superseded_values = 99 WHERE id = $1`, [ids.A]);
    // A release killed while building (its row and its renamed directory), a temp directory, a stray directory,
    // and a published release whose file has disappeared.
    const releases = path.join(stores.dataDir, 'releases');
    const manifest = {
      id: damaged, sequence: 1, title: '', publishedAt: '2001-01-01T00:00:00.000Z', metricDefinitionVersion: 'x', metricDefinitionSha256: 'x', minDenominator: 10,
      submissions: [], files: [{ name: 'metrics.parquet', table: 'metrics', rows: 1, bytes: 4, sha256: sha('PAR1') }], periods: { from: null, to: null },
      licence: { data: 'CC-BY-4.0', code: 'EUPL-1.2' }, citation: 'x',
    };
    fs.mkdirSync(path.join(releases, damaged), { recursive: true });
    const manifestText = JSON.stringify(manifest);
    fs.writeFileSync(path.join(releases, damaged, 'manifest.json'), manifestText);
    await app.db.query(`INSERT INTO releases (id, sequence, year, number_in_year, status, metric_definition_version, manifest, manifest_sha256, published_at)
      VALUES ($1, 1, 2001, 1, 'published', 'x', $2::jsonb, $3, now())`, [damaged, manifestText, sha(manifestText)]);
    await app.db.query(`INSERT INTO releases (id, sequence, year, number_in_year, status, metric_definition_version) VALUES ('2099.1', 2, 2099, 1, 'building', 'x')`);
    fs.mkdirSync(path.join(releases, '2099.1'), { recursive: true });
    fs.writeFileSync(path.join(releases, '2099.1', 'metrics.parquet'), 'half');
    fs.mkdirSync(path.join(releases, '.building-2099.2-abcd'), { recursive: true });
    fs.writeFileSync(path.join(releases, '.building-2099.2-abcd', 'metrics.parquet'), 'half');
    fs.mkdirSync(path.join(releases, '2098.5'), { recursive: true });

    await app.close();
    app = await startAppOn(stores);
    report = (await http(app.url, 'GET', '/api/v1/admin/reconciliation', { key: admin })).body;
  });

  afterAll(async () => {
    await app?.close();
    await dropDb?.();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const actionsOn = (id: string) => report.actions.filter((a: any) => a.target === id).map((a: any) => a.action);

  it('completes a submission whose facts were committed before the crash', async () => {
    expect(actionsOn(ids.C)).toEqual(['submission.accept']);
    const c = (await http(app.url, 'GET', `/api/v1/submissions/${ids.C}`, { key: admin })).body;
    expect(c).toMatchObject({ status: 'accepted', valueCount: 2, errorCount: 0 });
  });

  it('removes facts of rejected and unknown submissions, keeping them aside, and restores what they superseded', async () => {
    expect(actionsOn(ids.D)).toEqual(['reconcile.facts_removed']);
    expect(actionsOn(ids.E)).toEqual(['reconcile.facts_removed']);
    const [{ n }] = await app.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values WHERE submission_id IN ($1, $2) OR superseded_by IN ($1, $2)`, [ids.D, ids.E]);
    expect(n).toBe(0);
    for (const id of [ids.D, ids.E]) {
      const kept = report.actions.find((a: any) => a.target === id).details.kept;
      const [{ rows }] = await app.warehouse.query<{ rows: number }>(`SELECT CAST(count(*) AS INTEGER) AS rows FROM read_parquet($1)`, [path.join(stores.dataDir, kept)]);
      expect(rows).toBe(values[id === ids.D ? 'D' : 'E'].length);
    }
  });

  it('validates a stored upload again, and then holds exactly the accepted submissions applied in order', async () => {
    expect(actionsOn(ids.G)).toEqual(['reconcile.revalidate']);
    const g = (await http(app.url, 'GET', `/api/v1/submissions/${ids.G}?wait=60`, { key: admin })).body;
    expect(g).toMatchObject({ status: 'accepted', valueCount: 2 });
    // The stored upload is removed right after the final status is recorded.
    const stored = path.join(stores.dataDir, 'uploads', `${ids.G}.csv`);
    for (const deadline = Date.now() + 10_000; fs.existsSync(stored) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(stored)).toBe(false);
    const expected = applyInOrder(['A', 'B', 'C', 'F', 'G'].map((s) => ({ id: ids[s], values: values[s] })));
    const actual = await currentFacts((sql) => app.warehouse.query(sql));
    expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
    // The value D had superseded (A's 2024-01 clients_new) is current again; B's 2024-03 clients_start is superseded by F.
    expect(actual.get(keyOf(v('2024-01', 'clients_new', 0)))).toEqual({ value: 10, submission: ids.A });
    const [chain] = await app.warehouse.query<{ by: string }>(`SELECT superseded_by AS by FROM fact_values WHERE submission_id = $1 AND period = DATE '2024-03-01' AND measure = 'clients_start'`, [ids.B]);
    expect(chain.by).toBe(ids.F);
  });

  it('recomputes the supersession bookkeeping from the facts', async () => {
    const list = (await http(app.url, 'GET', '/api/v1/submissions?limit=100', { key: admin })).body as any[];
    const byId = new Map(list.map((s) => [s.id, s]));
    // A: 2024-02 and 2024-03 of both measures replaced by B.
    expect(byId.get(ids.A)).toMatchObject({ status: 'accepted', supersededValues: 4, supersededBy: ids.B });
    // B: 2024-03 clients_start by F, 2024-04 clients_start by C and then G (current: G).
    expect(byId.get(ids.B)).toMatchObject({ status: 'accepted', supersededValues: 2 });
    expect(byId.get(ids.C)).toMatchObject({ status: 'accepted', supersededValues: 1, supersededBy: ids.G });
    expect(report.actions.some((a: any) => a.action === 'reconcile.supersession' && a.target === ids.A)).toBe(true);
  });

  it('rejects a submission whose upload was lost, and the same file can be sent again', async () => {
    expect(actionsOn(ids.H)).toEqual(['submission.reject']);
    const h = (await http(app.url, 'GET', `/api/v1/submissions/${ids.H}`, { key: admin })).body;
    expect(h.status).toBe('rejected');
    expect(h.errors).toEqual([expect.objectContaining({ code: 'PROCESSING_FAILED', message: expect.stringMatching(/restart/) })]);
    const again = await http(app.url, 'POST', '/api/v1/submissions', { key: submitter, body: lostCsv, type: 'text/csv' });
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(ids.H);
    expect((await http(app.url, 'GET', `/api/v1/submissions/${again.body.id}?wait=60`, { key: submitter })).body.status).toBe('accepted');
    expect(fs.readdirSync(path.join(stores.dataDir, 'uploads')).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('removes half-built releases and never serves damaged ones', async () => {
    const releases = path.join(stores.dataDir, 'releases');
    expect(fs.readdirSync(releases).sort()).toEqual([damaged]);
    expect(actionsOn('2099.1')).toEqual(['reconcile.release_abandoned']);
    expect(actionsOn('.building-2099.2-abcd')).toEqual(['reconcile.directory_removed']);
    expect(actionsOn('2098.5')).toEqual(['reconcile.directory_quarantined']);
    const quarantined = report.actions.find((a: any) => a.target === '2098.5').details.movedTo;
    expect(fs.existsSync(path.join(stores.dataDir, quarantined))).toBe(true);
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM releases WHERE id = '2099.1'`);
    expect(n).toBe(0);
    expect((await http(app.url, 'GET', '/api/v1/releases/2099.1')).status).toBe(404);
    expect(report.problems).toEqual([expect.objectContaining({ action: 'reconcile.release_damaged', target: damaged, details: expect.objectContaining({ missing: ['metrics.parquet'] }) })]);
    expect((await http(app.url, 'GET', `/api/v1/releases/${damaged}/files/metrics.parquet`)).status).toBe(503);
    const health = await http(app.url, 'GET', '/api/health');
    expect(health.body.reconciliation).toMatchObject({ problems: 1 });
    expect(health.body.reconciliation.repairs).toBe(report.actions.length);
  });

  it('records what it did in the audit log', async () => {
    const rows: { action: string; target_id: string }[] = await app.db.query(`SELECT action, target_id FROM audit_events WHERE details ? 'reconciled' ORDER BY id`);
    const seen = rows.map((r) => `${r.action} ${r.target_id}`);
    for (const expected of [`submission.accept ${ids.C}`, `reconcile.facts_removed ${ids.D}`, `reconcile.facts_removed ${ids.E}`, `reconcile.revalidate ${ids.G}`,
      `submission.reject ${ids.H}`, `reconcile.release_abandoned 2099.1`, `reconcile.release_damaged ${damaged}`, `reconcile.supersession ${ids.A}`]) {
      expect(seen).toContain(expected);
    }
  });

  it('finds nothing more to repair at the next start', async () => {
    await app.close();
    app = await startAppOn(stores);
    const again = (await http(app.url, 'GET', '/api/v1/admin/reconciliation', { key: admin })).body;
    expect(again.actions).toEqual([]);
    expect(again.problems.map((p: any) => p.action)).toEqual(['reconcile.release_damaged']);
  });
});
