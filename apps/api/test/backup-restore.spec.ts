/**
 * Backup and restore: a running app with a registry, accepted, superseding and rejected submissions and a
 * published release is backed up through the admin endpoint (what `npm run backup -- --key` calls), then
 * `node apps/api/dist/cli.js restore` (what `npm run restore` runs) puts it into an empty data directory and
 * an empty database. An app started on the copy must answer exactly as the original: metrics, benchmark,
 * releases and their files, submissions and their errors, facts, registry and audit log; and carry on
 * (new submissions, a new release). Restore refuses occupied targets and damaged backups.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { baseFacts, REGISTRY } from './releases-setup';
import { createDatabase, http, longCsv, ROOT, RunningApp, startAppOn, Stores, tempDir, Value } from './faults-setup';
import { backends } from './test-app';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'apps/api/dist/cli.js');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function cli(stores: Stores, ...args: string[]) {
  if (!fs.existsSync(CLI)) throw new Error('apps/api/dist/cli.js is missing: run `npm run build` before this suite');
  return run(process.execPath, [CLI, ...args], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: stores.dataDir, DATABASE_URL: stores.databaseUrl ?? '' },
  }).then(({ stdout }) => ({ code: 0, out: stdout }), (err) => ({ code: err.code as number, out: `${err.stdout}${err.stderr}` }));
}
const restoreCli = (from: string, stores: Stores, ...flags: string[]) => cli(stores, 'restore', from, ...flags);

const QUERIES = [
  '/api/v1/releases',
  '/api/v1/releases/latest',
  '/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025',
  '/api/v1/metrics?metric=outflow_to_work&level=municipality,site&unit=GM0363,WP-AM18-01&period=2024,2025',
  '/api/v1/metrics?metric=outflow_to_work&clientGroup=all,ww&grain=year',
  '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025',
  '/api/v1/sites',
  '/api/v1/municipalities',
];

describe.each(backends())('backup and restore on %s', (backend) => {
  let root: string;
  let source: RunningApp | null;
  let copy: RunningApp | null = null;
  let sourceStores: Stores;
  let targetStores: Stores;
  const drops: (() => Promise<void>)[] = [];
  let admin: string;
  let backupDir: string;
  let release: any;
  let rejected: string;

  const newStores = async (name: string): Promise<Stores> => {
    const db = backend === 'postgres' ? await createDatabase() : null;
    if (db) drops.push(db.drop);
    return { dataDir: path.join(root, name), databaseUrl: db?.url ?? null };
  };

  async function submit(app: RunningApp, csv: string) {
    const posted = await http(app.url, 'POST', '/api/v1/submissions', { key: admin, body: csv, type: 'text/csv' });
    expect(posted.status).toBe(202);
    return (await http(app.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: admin })).body;
  }

  beforeAll(async () => {
    root = tempDir(`backup-${backend}`);
    sourceStores = await newStores('source');
    source = await startAppOn(sourceStores);
    await runFirstStart(source!.app);
    admin = (await source!.app.get(ApiKeysService).bootstrapAdmin()).key;
    expect((await http(source!.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY })).status).toBeLessThan(300);
    const facts: Value[] = baseFacts().map((f) => ({ site: f.site, municipality: f.municipality, period: f.month.slice(0, 7), group: f.group, measure: f.measure, value: f.value }));
    expect((await submit(source, longCsv(facts))).status).toBe('accepted');
    // A correction of Amsterdam's 2025 figures supersedes part of the first submission.
    const correction = facts.filter((f) => f.site === 'WP-AM18-01' && f.period === '2025-03').map((f) => ({ ...f, value: f.value + 5 }));
    expect((await submit(source, longCsv(correction))).status).toBe('accepted');
    const bad = await submit(source, longCsv([...facts.slice(0, 3).map((f) => ({ ...f, period: '2099-01' })), { ...facts[0], site: 'WP-XX-99' }]));
    expect(bad.status).toBe('rejected');
    rejected = bad.id;
    const published = await http(source!.url, 'POST', '/api/v1/releases', { key: admin, body: { title: 'Before the backup' } });
    expect(published.status).toBe(201);
    release = published.body;

    const made = await http(source!.url, 'POST', '/api/v1/admin/backups', { key: admin, body: { name: 'nightly' } });
    expect(made.status).toBe(201);
    backupDir = made.body.path;
    expect(backupDir).toBe(path.join(sourceStores.dataDir, 'backups', 'nightly'));
    targetStores = await newStores('restored');
  }, 240_000);

  afterAll(async () => {
    await copy?.close();
    await source?.close();
    source = null;
    for (const drop of drops) await drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes a complete backup with a checksum for every file', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest.releases).toEqual([{ id: release.id, verified: true, problems: [] }]);
    expect(manifest.postgres.tables.map((t: any) => t.name)).toEqual(expect.arrayContaining(['submissions', 'releases', 'audit_events', 'api_keys', 'sites', 'municipalities']));
    const [{ n }] = await source!.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values`);
    expect(manifest.duckdb.factValues).toBe(n);
    for (const f of manifest.files) expect([f.path, sha(fs.readFileSync(path.join(backupDir, f.path)))]).toEqual([f.path, f.sha256]);
    expect(manifest.files.map((f: any) => f.path)).toEqual(expect.arrayContaining([`releases/${release.id}/metrics.parquet`, `submissions/${rejected}.errors.csv`, 'warehouse/schema.sql']));
    expect(fs.existsSync(`${backupDir}.partial`)).toBe(false);
  });

  it('restores into an empty data directory and database, and the copy answers exactly as the original', async () => {
    const restored = await restoreCli(backupDir, targetStores);
    expect(restored).toMatchObject({ code: 0, out: expect.stringMatching(/restored into/) });
    copy = await startAppOn(targetStores);
    for (const q of QUERIES) {
      const [a, b] = await Promise.all([http(source!.url, 'GET', q), http(copy.url, 'GET', q)]);
      expect([q, a.status]).toEqual([q, 200]);
      expect([q, b.status, b.body]).toEqual([q, a.status, a.body]);
    }
    for (const q of ['/api/v1/submissions?limit=100', `/api/v1/submissions/${rejected}`, `/api/v1/submissions/${rejected}/errors.csv`, '/api/v1/admin/organisations']) {
      const [a, b] = await Promise.all([http(source!.url, 'GET', q, { key: admin }), http(copy.url, 'GET', q, { key: admin })]);
      expect([q, b.status, b.body]).toEqual([q, 200, a.body]);
    }
    for (const f of release.manifest.files) {
      const got = await fetch(`${copy.url}/api/v1/releases/${release.id}/files/${f.name}`);
      expect([f.name, got.status, sha(Buffer.from(await got.arrayBuffer()))]).toEqual([f.name, 200, f.sha256]);
    }
    const facts = `SELECT submission_id, site_code, municipality_code, CAST(period AS VARCHAR) AS period, client_group, measure, value, CAST(accepted_at AS VARCHAR) AS accepted_at, superseded_by
      FROM fact_values ORDER BY ALL`;
    const [fa, fb] = await Promise.all([source!.warehouse.query(facts), copy.warehouse.query(facts)]);
    expect(fa.length).toBe(baseFacts().length + 6);
    expect(fb).toEqual(fa);
    const audit = `SELECT id, at, actor_key_id, actor_organisation, action, target_type, target_id, details FROM audit_events WHERE id <= $1 ORDER BY id`;
    const [{ last }] = await source!.db.query(`SELECT max(id) AS last FROM audit_events WHERE action = 'backup.create'`);
    const [aa, ab] = await Promise.all([source!.db.query(audit, [last - 1]), copy.db.query(audit, [last - 1])]);
    expect(ab).toEqual(aa);
    const report = (await http(copy.url, 'GET', '/api/v1/admin/reconciliation', { key: admin })).body;
    expect(report).toMatchObject({ actions: [], problems: [] });
  });

  it('carries on from the copy: new submissions, a new release, new audit events', async () => {
    const csv = longCsv([{ site: 'WP-AM18-02', municipality: 'GM0362', period: '2025-04', group: 'ww', measure: 'clients_start', value: 77 }]);
    expect((await submit(copy!, csv)).status).toBe('accepted');
    const published = await http(copy!.url, 'POST', '/api/v1/releases', { key: admin, body: {} });
    expect(published.status).toBe(201);
    expect(published.body.sequence).toBe(release.sequence + 1);
    expect((await http(copy!.url, 'GET', '/api/v1/releases')).body.map((r: any) => r.id)).toEqual([published.body.id, release.id]);
  });

  it('refuses to restore over data unless forced, and refuses a damaged backup', async () => {
    const occupied = await restoreCli(backupDir, targetStores);
    expect(occupied.code).toBe(1);
    expect(occupied.out).toMatch(/not empty/);
    const damaged = path.join(root, 'damaged');
    fs.cpSync(backupDir, damaged, { recursive: true });
    const victim = path.join(damaged, 'warehouse', fs.readdirSync(path.join(damaged, 'warehouse')).find((n) => n.endsWith('.parquet'))!);
    const bytes = fs.readFileSync(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(victim, bytes);
    const empty = await newStores('empty');
    const refused = await restoreCli(damaged, empty);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/damaged/);
    expect(fs.existsSync(path.join(empty.dataDir, 'warehouse.duckdb'))).toBe(false);
  });

  it('replaces the target with --force', async () => {
    await copy!.close();
    copy = null;
    const forced = await restoreCli(backupDir, targetStores, '--force');
    expect(forced.code).toBe(0);
    copy = await startAppOn(targetStores);
    expect((await http(copy.url, 'GET', '/api/v1/releases')).body.map((r: any) => r.id)).toEqual([release.id]);
    const [a, b] = await Promise.all([http(source!.url, 'GET', QUERIES[2]), http(copy.url, 'GET', QUERIES[2])]);
    expect(b.body).toEqual(a.body);
  });

  it('backs up with the command line while the server is stopped, and refuses while it holds the stores', async () => {
    const out = path.join(root, 'offline');
    const busy = await cli(sourceStores, 'backup', '--out', out);
    expect(busy.code).toBe(1);
    expect(busy.out).toMatch(/while the server runs, back up through it/);
    const [{ n }] = await source!.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values`);
    await source!.close();
    source = null;
    const done = await cli(sourceStores, 'backup', '--out', out);
    expect(done).toMatchObject({ code: 0, out: expect.stringMatching(/backup written to/) });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.duckdb.factValues).toBe(n);
    expect(manifest.releases.map((r: any) => r.id)).toEqual([release.id]);
    const fresh = await newStores('from-offline');
    const restored = await restoreCli(out, fresh);
    expect([restored.code, restored.out]).toEqual([0, expect.stringMatching(/restored into/)]);
    const app = await startAppOn(fresh);
    try {
      expect((await http(app.url, 'GET', QUERIES[5])).status).toBe(200);
      expect((await http(app.url, 'GET', `/api/v1/submissions/${rejected}`, { key: admin })).body.status).toBe('rejected');
    } finally {
      await app.close();
    }
  });
});
