/**
 * SIGKILL of the real server (`node apps/api/dist/main.js`, built with `npm run build`) at the worst moments,
 * then a start on the same stores: while a release is being written, while an upload's body is arriving,
 * while a large submission (over 800k rows) is being validated, and while its facts are being written to
 * DuckDB. After each restart nothing half-done may be visible: no half release, no partial facts, PostgreSQL
 * and DuckDB agree, and the same file can be sent (or published) again.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { WIDE_HEADER, wideRow } from './ingestion-setup';
import { createDatabase, http as call, kill, ServerProcess, spawnServer, Stores, tempDir, writeLargeLongCsv } from './faults-setup';
import { backends } from './test-app';

const TOKEN = 'kill-test-bootstrap-token';
const SITES = Array.from({ length: 50 }, (_, i) => `WP-AM18-${String(i + 1).padStart(2, '0')}`);
const MONTHS = 192; // 2010-01 .. 2025-12
const typology = {
  validFrom: '2012-01-01', integrationLevel: 'partial', phase: 2, teamModel: null, coLocated: true, jointManagement: false, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
};
const REGISTRY = {
  organisations: [{ code: 'ORG-GM0363', name: 'Gemeente Amsterdam', kind: 'municipality', municipalityCode: 'GM0363' }],
  sites: SITES.map((code) => ({ code, name: `Werkplein ${code}`, kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0363'], partnerCodes: ['ORG-GM0363'], startDate: '2010-01-01', typology: [typology] })),
};
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(backends())('killing the server on %s', (backend) => {
  let root: string;
  let stores: Stores;
  let drop: (() => Promise<void>) | null = null;
  let server: ServerProcess | null = null;
  let admin: string;
  let submitter: string;
  const big: { file: string; values: number }[] = [];
  const year = new Date().getUTCFullYear();

  const start = async () => {
    server = await spawnServer(stores, { UITKOMST_BOOTSTRAP_TOKEN: TOKEN }, path.join(root, 'server.log'));
    return server;
  };
  const report = async () => (await call(server!.url, 'GET', '/api/v1/admin/reconciliation', { key: admin })).body;
  const actionsOn = (r: any, target: string) => r.actions.filter((a: any) => a.target === target).map((a: any) => a.action);

  /** Every accepted value in PostgreSQL is in DuckDB and nothing else is: sum of value counts = fact rows. */
  async function expectStoresAgree() {
    const list = (await call(server!.url, 'GET', '/api/v1/submissions?limit=100', { key: admin })).body as any[];
    const expected = list.filter((s) => s.status === 'accepted' || s.status === 'superseded').reduce((n, s) => n + s.valueCount, 0);
    const health = (await call(server!.url, 'GET', '/api/health')).body;
    expect(health.duckdb.factValues).toBe(expected);
    expect(list.filter((s) => s.status === 'received' || s.status === 'validating')).toEqual([]);
    return list;
  }

  async function post(file: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${server!.url}/api/v1/submissions`, {
      method: 'POST', headers: { authorization: `Bearer ${submitter}`, 'content-type': 'text/csv' }, body: fs.readFileSync(file),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Kills the server (SIGKILL) as soon as `condition` holds, polled every few milliseconds. */
  async function killWhen(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(2);
    }
    server!.child.kill('SIGKILL');
    await server!.exited;
  }

  beforeAll(async () => {
    root = tempDir(`kill-${backend}`);
    const db = backend === 'postgres' ? await createDatabase() : null;
    drop = db?.drop ?? null;
    stores = { dataDir: path.join(root, 'data'), databaseUrl: db?.url ?? null };
    await start();
    const boot = await fetch(`${server!.url}/api/v1/admin/bootstrap`, { method: 'POST', headers: { 'x-bootstrap-token': TOKEN } });
    expect(boot.status).toBe(201);
    admin = ((await boot.json()) as { key: string }).key;
    expect((await call(server!.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY })).status).toBeLessThan(300);
    submitter = (await call(server!.url, 'POST', '/api/v1/admin/keys', { key: admin, body: { role: 'submitter', organisationCode: 'ORG-GM0363' } })).body.key;
    expect(submitter).toBeTruthy();
    for (const seed of [0, 1]) {
      const file = path.join(root, `large-${seed}.csv`);
      big.push({ file, values: writeLargeLongCsv(file, SITES, 'GM0363', MONTHS, seed * 7) });
    }
    expect(big[0].values).toBeGreaterThan(800_000);
  }, 180_000);

  afterAll(async () => {
    if (server) await kill(server);
    await drop?.();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('never serves a release killed while it was being written, and publishes again afterwards', async () => {
    const small = `${WIDE_HEADER}\n${['2024-01', '2024-02', '2024-03'].flatMap((p) => ['ww', 'bijstand_kort'].map((g) => wideRow(p, g))).join('\n')}\n`;
    const posted = await call(server!.url, 'POST', '/api/v1/submissions', { key: submitter, body: small, type: 'text/csv' });
    expect((await call(server!.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: submitter })).body.status).toBe('accepted');

    const releases = path.join(stores.dataDir, 'releases');
    const publishing = call(server!.url, 'POST', '/api/v1/releases', { key: admin, body: {} }).catch((err) => err);
    await killWhen(() => fs.existsSync(releases) && fs.readdirSync(releases).some((n) => n.startsWith('.building-')), 'a release being written');
    expect(String(await publishing)).toMatch(/fetch failed/); // the connection died with the server
    await start();

    const r = await report();
    expect(r.actions.map((a: any) => a.action)).toEqual(expect.arrayContaining(['reconcile.release_abandoned', 'reconcile.directory_removed']));
    expect(fs.readdirSync(releases)).toEqual([]);
    expect((await call(server!.url, 'GET', '/api/v1/releases')).body).toEqual([]);
    expect((await call(server!.url, 'GET', `/api/v1/releases/${year}.1`)).status).toBe(404);
    expect((await call(server!.url, 'GET', `/api/v1/releases/${year}.1/files/metrics.parquet`)).status).toBe(404);
    expect((await call(server!.url, 'GET', '/api/v1/releases/latest')).status).toBe(404);

    const published = await call(server!.url, 'POST', '/api/v1/releases', { key: admin, body: {} });
    expect(published.status).toBe(201);
    expect(published.body.id).toBe(`${year}.1`);
    const file = published.body.manifest.files.find((f: any) => f.name === 'metrics.parquet');
    const got = await fetch(`${server!.url}/api/v1/releases/${year}.1/files/metrics.parquet`);
    expect(got.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await got.arrayBuffer())).digest('hex')).toBe(file.sha256);
  }, 120_000);

  it('leaves nothing of an upload killed half-way through its body', async () => {
    const before = (await call(server!.url, 'GET', '/api/v1/submissions?limit=100', { key: admin })).body.length;
    const uploads = path.join(stores.dataDir, 'uploads');
    const url = new URL(`${server!.url}/api/v1/submissions`);
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { authorization: `Bearer ${submitter}`, 'content-type': 'text/csv', 'content-length': fs.statSync(big[0].file).size } });
    const failed = new Promise((resolve) => { req.on('error', resolve); req.on('response', resolve); });
    req.write(fs.readFileSync(big[0].file).subarray(0, 8 << 20));
    await killWhen(() => fs.existsSync(uploads) && fs.readdirSync(uploads).some((n) => n.endsWith('.part') && fs.statSync(path.join(uploads, n)).size > 0), 'the upload to reach the disk');
    expect(String(await failed)).toMatch(/socket hang up|ECONNRESET|EPIPE/);
    await start();
    const r = await report();
    expect(actionsOn(r, 'uploads')).toEqual(['reconcile.uploads_removed']);
    expect(fs.readdirSync(uploads)).toEqual([]);
    expect((await expectStoresAgree()).length).toBe(before);
  }, 120_000);

  it('completes or rejects cleanly a large submission killed while being validated, and the file can be sent again', async () => {
    const posted = await post(big[0].file);
    expect(posted.status).toBe(202);
    const id = posted.body.id;
    await killWhen(async () => (await call(server!.url, 'GET', `/api/v1/submissions/${id}`, { key: submitter })).body.status === 'validating', 'validation to start');
    await start();
    const r = await report();
    expect(r.actions.filter((a: any) => a.target === id).map((a: any) => a.action)).toEqual([expect.stringMatching(/^(reconcile\.revalidate|submission\.accept|submission\.reject)$/)]);
    const done = (await call(server!.url, 'GET', `/api/v1/submissions/${id}?wait=60`, { key: submitter })).body;
    if (done.status === 'rejected') expect(done.errors[0]).toMatchObject({ code: 'PROCESSING_FAILED', message: expect.stringMatching(/submit/) });
    else expect(done).toMatchObject({ status: 'accepted', valueCount: big[0].values });
    await expectStoresAgree();

    const again = await post(big[0].file);
    if (done.status === 'accepted') expect(again).toMatchObject({ status: 200, body: { id, existing: true } });
    else {
      expect(again.status).toBe(202);
      expect((await call(server!.url, 'GET', `/api/v1/submissions/${again.body.id}?wait=60`, { key: submitter })).body.status).toBe('accepted');
    }
    await expectStoresAgree();
  }, 180_000);

  it('keeps all or none of the facts of a submission killed while they were written to DuckDB', async () => {
    const files = ['warehouse.duckdb', 'warehouse.duckdb.wal'].map((n) => path.join(stores.dataDir, n));
    const size = () => files.reduce((s, f) => s + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    const first = (await call(server!.url, 'GET', '/api/v1/submissions?status=accepted&limit=100', { key: admin })).body.find((s: any) => s.valueCount === big[0].values);
    const baseline = size();
    const posted = await post(big[1].file);
    expect(posted.status).toBe(202);
    const id = posted.body.id;
    // Staging lives in temporary tables; the database file and its WAL grow only when fact_values is written.
    await killWhen(() => size() > baseline + (2 << 20), 'the facts being written');
    await start();
    const r = await report();
    expect(r.actions.filter((a: any) => a.target === id).map((a: any) => a.action)).toEqual([expect.stringMatching(/^(reconcile\.revalidate|submission\.accept)$/)]);
    const done = (await call(server!.url, 'GET', `/api/v1/submissions/${id}?wait=60`, { key: submitter })).body;
    expect(done).toMatchObject({ status: 'accepted', valueCount: big[1].values });
    const list = await expectStoresAgree();
    // The new file sends the same keys: every value of the first large submission is superseded, once.
    expect(list.find((s) => s.id === first.id)).toMatchObject({ status: 'superseded', supersededValues: big[0].values, supersededBy: id });
    expect((await post(big[1].file))).toMatchObject({ status: 200, body: { id, existing: true } });
  }, 180_000);

  it('leaves DuckDB holding exactly the facts of the accepted submissions', async () => {
    const list = (await call(server!.url, 'GET', '/api/v1/submissions?limit=100', { key: admin })).body as any[];
    await kill(server!);
    server = null;
    const instance = await DuckDBInstance.create(path.join(stores.dataDir, 'warehouse.duckdb'));
    const conn = await instance.connect();
    try {
      const rows = (await conn.runAndReadAll(`SELECT submission_id, CAST(count(*) AS INTEGER), CAST(count(*) FILTER (WHERE superseded_by IS NULL) AS INTEGER) FROM fact_values GROUP BY 1`)).getRows();
      const inDuckDb = Object.fromEntries(rows.map(([id, n, current]) => [String(id), { n: Number(n), current: Number(current) }]));
      const inPostgres = Object.fromEntries(list.filter((s) => s.status === 'accepted' || s.status === 'superseded')
        .map((s) => [s.id, { n: s.valueCount, current: s.valueCount - s.supersededValues }]));
      expect(inDuckDb).toEqual(inPostgres);
      const dup = (await conn.runAndReadAll(`SELECT count(*) FROM (SELECT 1 FROM facts_current GROUP BY site_code, municipality_code, period, client_group, measure HAVING count(*) > 1)`)).getRows()[0][0];
      expect(Number(dup)).toBe(0);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    expect(sha256(big[0].file)).not.toBe(sha256(big[1].file));
  }, 60_000);
});
