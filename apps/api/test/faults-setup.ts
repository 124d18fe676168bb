/**
 * Shared by the fault suites: apps on persistent stores (a data directory with the DuckDB file and either a
 * database of its own on the PostgreSQL server in DATABASE_URL or embedded PGlite on disk), so they can be
 * stopped and started again on the same data; the real built server as a child process that can be killed;
 * file generators and an independent model of "apply the submissions one by one".
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildApp, BuiltApp } from '../src/app.factory';
import { AppConfig, loadConfig } from '../src/config';
import { freePort } from './free-port';

export { createDatabase } from './test-app';

export const ROOT = path.resolve(__dirname, '../../..');

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `uitkomst-${prefix}-`));

export interface Stores { dataDir: string; databaseUrl: string | null }

export interface RunningApp extends BuiltApp { url: string; config: AppConfig; db: DataSource }

/** Builds and starts the app on persistent stores (reconciliation runs during start-up, as in production). */
export async function startAppOn(stores: Stores, overrides: Partial<AppConfig> = {}): Promise<RunningApp> {
  const config = loadConfig({ DATA_DIR: stores.dataDir, UITKOMST_MODE: 'demo' }, {
    databaseUrl: stores.databaseUrl, webDir: null, geoDir: null, loadDemo: false, port: 0, ...overrides,
  });
  const built = await buildApp(config, { logger: ['error'] });
  await built.app.listen(0, '127.0.0.1');
  const { port } = built.app.getHttpServer().address() as net.AddressInfo;
  return { ...built, config, url: `http://127.0.0.1:${port}`, db: built.app.get(DataSource) };
}

export async function http(base: string, method: string, pathname: string, opts: { key?: string; body?: unknown; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | Buffer | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = opts.type ?? 'application/json';
  }
  const res = await fetch(base + pathname, { method, headers, body });
  const text = await res.text();
  let json: any = text;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: json, headers: res.headers };
}

// ---------------------------------------------------------------------------------------------- files

export interface Value { site: string; municipality: string; period: string; group: string; measure: string; value: number }
export const keyOf = (v: Omit<Value, 'value'>) => `${v.site}|${v.municipality}|${v.period}|${v.group}|${v.measure}`;

export const GROUPS = ['jongeren', 'ww', 'bijstand_kort', 'bijstand_lang', 'arbeidsbeperking', 'overig'];
export const ALL_MEASURES = ['clients_start', 'clients_new', 'exits_total', 'exits_to_work', 'exits_to_work_sustained', 'survey_respondents', 'survey_score_sum',
  'survey_score_sumsq', 'survey_satisfied', 'cost_personnel_eur', 'cost_instruments_eur', 'cost_overhead_eur', 'days_to_first_offer_sum', 'first_offers', 'joint_plans'];

/** Consistent values for one key (every consistency rule holds); `n` varies them. */
export function measuresFor(n: number): Record<string, number> {
  return {
    clients_start: 100 + (n % 50), clients_new: 20 + (n % 7), exits_total: 15, exits_to_work: 10, exits_to_work_sustained: 6, survey_respondents: 12,
    survey_score_sum: 90, survey_score_sumsq: 700, survey_satisfied: 8, cost_personnel_eur: 15000.5, cost_instruments_eur: 3000, cost_overhead_eur: 1200.25,
    days_to_first_offer_sum: 300, first_offers: 18, joint_plans: 40 + (n % 11),
  };
}

export const months = (from: number, count: number) => Array.from({ length: count }, (_, i) => {
  const m = from + i; // months since 2010-01 (0)
  return `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
});

export function longCsv(values: Value[]): string {
  return ['site_code,municipality_code,period,client_group,measure,value', ...values.map((v) => `${v.site},${v.municipality},${v.period},${v.group},${v.measure},${v.value}`)].join('\n') + '\n';
}

/** Writes a large long-layout CSV straight to disk: every site x month x group x measure; returns the value count. */
export function writeLargeLongCsv(file: string, sites: string[], municipality: string, monthCount: number, seed = 0): number {
  const fd = fs.openSync(file, 'w');
  let n = 0;
  try {
    fs.writeSync(fd, 'site_code,municipality_code,period,client_group,measure,value\n');
    for (const site of sites) {
      for (const period of months(0, monthCount)) {
        const lines: string[] = [];
        GROUPS.forEach((group, g) => {
          const m = measuresFor(seed + g + n);
          for (const measure of ALL_MEASURES) lines.push(`${site},${municipality},${period},${group},${measure},${m[measure]}`);
        });
        n += lines.length;
        fs.writeSync(fd, lines.join('\n') + '\n');
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

/** The current value of every key after applying the submissions one by one in the given order. */
export function applyInOrder(submissions: { id: string; values: Value[] }[]): Map<string, { value: number; submission: string }> {
  const current = new Map<string, { value: number; submission: string }>();
  for (const s of submissions) for (const v of s.values) current.set(keyOf(v), { value: v.value, submission: s.id });
  return current;
}

/** facts_current read straight from the warehouse, keyed like `applyInOrder`. */
export async function currentFacts(query: (sql: string) => Promise<any[]>): Promise<Map<string, { value: number; submission: string }>> {
  const rows = await query(`SELECT site_code AS site, municipality_code AS municipality, strftime(period, '%Y-%m') AS period, client_group AS "group", measure, value, submission_id AS submission FROM facts_current`);
  const map = new Map<string, { value: number; submission: string }>();
  for (const r of rows) {
    const k = keyOf(r);
    if (map.has(k)) throw new Error(`two current values for ${k}`);
    map.set(k, { value: Number(r.value), submission: r.submission });
  }
  return map;
}

// ------------------------------------------------------------------------------------- the real server

export interface ServerProcess { child: ChildProcess; url: string; log: string; exited: Promise<number | null> }

/** Spawns `node apps/api/dist/main.js` on the stores and waits until health answers 200. */
export async function spawnServer(stores: Stores, env: Record<string, string> = {}, logFile?: string): Promise<ServerProcess> {
  const main = path.join(ROOT, 'apps/api/dist/main.js');
  if (!fs.existsSync(main)) throw new Error('apps/api/dist/main.js is missing: run `npm run build` before this suite');
  const port = await freePort();
  const log = logFile ?? path.join(stores.dataDir, '..', `server-${port}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [main], {
    cwd: ROOT, stdio: ['ignore', out, out],
    env: {
      ...process.env, PORT: String(port), DATA_DIR: stores.dataDir, DATABASE_URL: stores.databaseUrl ?? '', UITKOMST_MODE: 'demo',
      UITKOMST_LOAD_DEMO: 'false', WEB_DIR: path.join(stores.dataDir, 'no-web'), METRICS_DEBOUNCE_MS: '600000', ...env,
    },
  });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) while starting:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not become healthy:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, log, exited };
}

export async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}
