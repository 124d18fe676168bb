/**
 * Losing PostgreSQL while the app runs: a TCP proxy written here sits between the app and the real server
 * (DATABASE_URL) and can be cut (connections destroyed, new ones refused), blackholed (connections accepted
 * but never answered) and restored. While PostgreSQL is gone requests that need it answer 503 (not 500, no
 * hang), health says so, the rest keeps working and the process survives; once it is back the app serves
 * again by itself, and a submission caught by the outage reaches a final state without a restart.
 * Needs a PostgreSQL server (DATABASE_URL): an outage of the embedded store cannot happen apart from the app's.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { REGISTRY, WIDE_HEADER, wideRow } from './ingestion-setup';
import { createDatabase, http, RunningApp, startAppOn, tempDir } from './faults-setup';

type Mode = 'up' | 'refuse' | 'blackhole';

/** A TCP proxy to PostgreSQL that can be cut and restored. */
class PgProxy {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  mode: Mode = 'up';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<void> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'blackhole') return; // accepted, never answered
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  private dropAll() {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Every connection is dropped; new ones are refused (the port is closed). */
  async refuse(): Promise<void> {
    this.mode = 'refuse';
    const server = this.server;
    this.server = null;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every connection is dropped; new ones are accepted and then never answered. */
  async blackhole(): Promise<void> {
    this.dropAll();
    this.mode = 'blackhole';
    if (!this.server) await this.listen();
  }

  async restore(): Promise<void> {
    this.dropAll();
    this.mode = 'up';
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}

const suite = process.env.DATABASE_URL ? describe : describe.skip;

suite('losing the PostgreSQL connection', () => {
  let proxy: PgProxy;
  let app: RunningApp;
  let drop: () => Promise<void>;
  let root: string;
  let admin: string;
  let submitter: string;
  let month = 0;
  const nextCsv = () => `${WIDE_HEADER}\n${wideRow(`2023-${String(++month).padStart(2, '0')}`)}\n`;

  async function waitForHealth(status: number) {
    for (let i = 0; i < 200; i++) {
      const res = await http(app.url, 'GET', '/api/health');
      if (res.status === status) return res;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`health never answered ${status}`);
  }

  async function expectServing() {
    expect((await http(app.url, 'GET', '/api/v1/submissions', { key: submitter })).status).toBe(200);
    expect((await http(app.url, 'GET', '/api/v1/releases')).status).toBe(200);
    const posted = await http(app.url, 'POST', '/api/v1/submissions', { key: submitter, body: nextCsv(), type: 'text/csv' });
    expect(posted.status).toBe(202);
    expect((await http(app.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: submitter })).body.status).toBe('accepted');
  }

  async function expectUnavailable() {
    const health = await http(app.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', postgres: { status: 'down' }, duckdb: { status: 'up' } });
    for (const [method, url, opts] of [
      ['GET', '/api/v1/submissions', { key: submitter }],
      ['GET', '/api/v1/releases', {}],
      ['GET', '/api/v1/sites', {}],
      ['POST', '/api/v1/submissions', { key: submitter, body: nextCsv(), type: 'text/csv' }],
    ] as const) {
      const res = await http(app.url, method, url, opts);
      expect([method, url, res.status, res.body.statusCode]).toEqual([method, url, 503, 503]);
      expect(res.headers.get('retry-after')).toBeTruthy();
    }
    // What needs no PostgreSQL keeps working.
    expect((await http(app.url, 'GET', '/api/v1/measures')).status).toBe(200);
  }

  beforeAll(async () => {
    const server = new URL(process.env.DATABASE_URL!);
    const db = await createDatabase();
    drop = db.drop;
    proxy = new PgProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.listen();
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    root = tempDir('pg-outage');
    app = await startAppOn({ dataDir: path.join(root, 'data'), databaseUrl: viaProxy.toString() });
    await runFirstStart(app.app);
    const keys = app.app.get(ApiKeysService);
    admin = (await keys.bootstrapAdmin()).key;
    expect((await http(app.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY })).status).toBeLessThan(300);
    submitter = (await keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: 'ORG-GM0363' })).key;
  });

  afterAll(async () => {
    await proxy?.restore();
    await app?.close();
    await proxy?.close();
    await drop?.();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves while PostgreSQL is there', async () => {
    expect((await waitForHealth(200)).body.postgres.status).toBe('up');
    await expectServing();
  });

  it('answers 503 while connections are refused, and recovers by itself', async () => {
    await proxy.refuse();
    await expectUnavailable();
    await expectUnavailable(); // again: the pool keeps failing cleanly, nothing is left broken or hanging
    await proxy.restore();
    expect((await waitForHealth(200)).body.postgres.status).toBe('up');
    await expectServing();
  });

  it('answers 503 when the server stops answering (no hang), and recovers by itself', async () => {
    await proxy.blackhole();
    // The first request may still meet a pooled connection that was just dropped; then only new ones are left, which hang.
    expect((await http(app.url, 'GET', '/api/health')).status).toBe(503);
    const health = await http(app.url, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.postgres).toEqual({ status: 'down', embedded: false, error: expect.stringMatching(/did not answer within/) });
    const res = await http(app.url, 'GET', '/api/v1/submissions', { key: submitter });
    expect(res.status).toBe(503);
    await proxy.restore();
    await waitForHealth(200);
    await expectServing();
  });

  it('brings a submission caught by the outage to a final state once PostgreSQL is back', async () => {
    // Hold the warehouse writer so the submission is validated and committed only once PostgreSQL is gone:
    // its facts then reach DuckDB while recording the outcome in PostgreSQL has to wait.
    let release!: () => void;
    const held = app.warehouse.write(() => new Promise<void>((r) => { release = r; }));
    const posted = await http(app.url, 'POST', '/api/v1/submissions', { key: submitter, body: nextCsv(), type: 'text/csv' });
    expect(posted.status).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // the PostgreSQL steps before validation
    await proxy.refuse();
    release();
    await held;
    let committed = 0;
    for (let i = 0; i < 100 && committed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [{ n: committed }] = await app.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values WHERE submission_id = $1`, [posted.body.id]);
    }
    expect(committed).toBe(15);
    await new Promise((r) => setTimeout(r, 1500));
    await proxy.restore();
    await waitForHealth(200);
    const done = (await http(app.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: submitter })).body;
    // Every step that needs PostgreSQL waits for it, so the outage costs time, not the submission.
    expect(done).toMatchObject({ status: 'accepted', valueCount: 15, errorCount: 0 });
    const [{ n }] = await app.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'submission.accept' AND target_id = $1`, [posted.body.id]);
    expect(n).toBe(1);
  });
});
