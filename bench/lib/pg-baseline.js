/**
 * Starts bench/lib/pg-baseline-server.js on a fresh database: on the PostgreSQL server of DATABASE_URL, else
 * BENCH_PG_URL, else postgres://postgres@127.0.0.1:5432/test when it answers; otherwise embedded PGlite in the
 * baseline's process. The database is dropped when stopped.
 */
const path = require('node:path');
const { createDatabase, freePort } = require('./app-process');
const { startChildServer } = require('./child-server');
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
  const backend = db ? `PostgreSQL server ${new URL(server).host} (fresh database)` : 'embedded PGlite (no PostgreSQL server reachable)';
  const started = await startChildServer(path.join(__dirname, 'pg-baseline-server.js'), {
    BASELINE_DB_URL: db?.url ?? '', PORT: String(port), FACTS_FILE: factsFile, PEERS_FILE: peersFile, METRICS: metrics.join(','),
  }, 'the PostgreSQL baseline').catch(async (err) => {
    await db?.drop().catch(() => undefined);
    throw err;
  });
  const stop = async () => {
    await started.stop();
    await db?.drop().catch(() => undefined);
  };
  const { ready } = started;
  return { url: `http://127.0.0.1:${port}`, pid: started.pid, rows: ready.rows, peerLinks: ready.peerLinks, loadMs: ready.loadMs, stop, backend };
}

module.exports = { startPgBaseline };
