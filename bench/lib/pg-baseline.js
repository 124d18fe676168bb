/**
 * Starts bench/lib/pg-baseline-server.js on a fresh database: on the PostgreSQL server of DATABASE_URL, else
 * BENCH_PG_URL, else postgres://postgres@127.0.0.1:5432/test when it answers; otherwise embedded PGlite in the
 * baseline's process. The database is dropped when stopped.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createDatabase, freePort } = require('./app-process');
const { need } = require('./modules');

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url) {
  const { Client } = need('pg');
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function serverUrl() {
  const candidates = [process.env.DATABASE_URL, process.env.BENCH_PG_URL, DEFAULT_URL].filter(Boolean);
  for (const url of candidates) if (await reachable(url)) return url;
  return null;
}

/** Returns { url, backend, rows, peerLinks, loadMs, pid, stop() }. */
async function startPgBaseline({ factsFile, peersFile, metrics }) {
  const server = await serverUrl();
  const db = server ? await createDatabase(server) : null;
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'pg-baseline-server.js')], {
    env: { ...process.env, BASELINE_DB_URL: db?.url ?? '', PORT: String(port), FACTS_FILE: factsFile, PEERS_FILE: peersFile, METRICS: metrics.join(',') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await db?.drop().catch(() => undefined);
  };
  try {
    const ready = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`the PostgreSQL baseline exited with ${code}: ${stderr.slice(-2000)}`)));
    });
    return {
      url: `http://127.0.0.1:${port}`, pid: child.pid, rows: ready.rows, peerLinks: ready.peerLinks, loadMs: ready.loadMs, stop,
      backend: db ? `PostgreSQL server ${new URL(server).host} (fresh database)` : 'embedded PGlite (no PostgreSQL server reachable)',
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

module.exports = { startPgBaseline };
