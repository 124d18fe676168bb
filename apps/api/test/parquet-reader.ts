/**
 * Reads Parquet with hyparquet, an independent reader (not DuckDB). hyparquet is ESM-only; a dynamic import from
 * a test runs through Jest's VM modules, which now and then import into the environment of an earlier test file
 * ("Test environment has been torn down", jestjs/jest#11438), so the file is decoded in a worker thread instead.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const HYPARQUET = pathToFileURL(require.resolve('hyparquet')).href;
const DECODE = `const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module).then(({ parquetReadObjects }) => parquetReadObjects({ file: workerData.file }))
  .then((rows) => parentPort.postMessage({ rows }), (err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));`;

export function readParquet(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = bytes.slice().buffer;
  return new Promise((resolve, reject) => {
    const worker = new Worker(DECODE, { eval: true, workerData: { module: HYPARQUET, file }, transferList: [file] });
    worker.once('message', (m: { rows?: Record<string, unknown>[]; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.rows!);
    });
    worker.once('error', reject);
  });
}
