/**
 * Embedded PostgreSQL: PGlite (Postgres compiled to WASM) kept under DATA_DIR, served on a loopback
 * port with pglite-socket so TypeORM reaches it through the ordinary `pg` driver, the same code path as
 * a real server. PGlite is single-connection: callers must use a pool of one connection.
 *
 * PGlite runs its SQL synchronously on the thread that holds it; on Node's main thread every query would stop
 * the HTTP server for as long as it runs (0.5 to 1.5 s at a time under load, see docs/performance.md), so it
 * runs in a worker thread of its own and the main thread only talks to it over the socket.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

type WorkerMessage = { port: number } | { error: string } | { stopped: true };

/** The worker's code, run with `eval` so that it works the same from compiled JS and from the TypeScript sources (tests). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  let db, server;
  try {
    db = await PGlite.create(workerData.dir ?? 'memory://');
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    parentPort.postMessage({ port: server.server.address().port });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.stack) || err) });
    process.exit(1);
  }
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try { await server.stop(); } finally { await db.close(); }
    parentPort.postMessage({ stopped: true });
    process.exit(0);
  });
})();
`;

/** `dir` null keeps the database in memory (tests). */
export async function startEmbeddedPostgres(dir: string | null): Promise<EmbeddedPostgres> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { dir, pglite: require.resolve('@electric-sql/pglite'), socket: require.resolve('@electric-sql/pglite-socket') },
  });
  const exited = once(worker, 'exit');
  const started = await Promise.race([
    once(worker, 'message').then(([m]) => m as WorkerMessage),
    once(worker, 'error').then(([err]) => ({ error: String((err as Error)?.stack ?? err) })),
    exited.then(([code]) => ({ error: `the embedded PostgreSQL worker stopped with exit code ${code}` })),
  ]);
  if (!('port' in started)) {
    await worker.terminate();
    throw new Error(`embedded PostgreSQL (PGlite) did not start${dir ? ` in ${dir}` : ''}: ${'error' in started ? started.error : 'no answer'}`);
  }
  worker.on('error', (err) => console.error(`embedded PostgreSQL (PGlite) failed: ${err?.stack ?? err}`));
  let stopping: Promise<void> | null = null;
  return {
    url: `postgres://postgres@127.0.0.1:${started.port}/postgres`,
    stop() {
      stopping ??= (async () => {
        worker.postMessage('stop');
        await exited;
      })();
      return stopping;
    },
  };
}
