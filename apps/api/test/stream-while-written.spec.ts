import { DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { streamWhileWritten } from '../src/query/release-export';

/** A real HTTP server whose one answer is streamWhileWritten over `file`; resolves with what the client got. */
async function download(file: string, written: Promise<void>): Promise<{ body: Buffer; complete: boolean; served: Promise<unknown> }> {
  let served: Promise<unknown> = Promise.resolve();
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/csv');
    served = streamWhileWritten(res, file, written).catch((err) => {
      res.destroy();
      return err;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ body: Buffer.concat(parts), complete: res.complete, served }));
        res.on('error', () => resolve({ body: Buffer.concat(parts), complete: false, served }));
        res.on('close', () => resolve({ body: Buffer.concat(parts), complete: res.complete, served }));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sending an export while DuckDB writes it (streamWhileWritten)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-stream-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sends every byte of a file that appears late and grows in pieces', async () => {
    const file = path.join(dir, 'export.csv');
    const pieces = Array.from({ length: 6 }, (_, i) => Buffer.from(`row ${i},${'x'.repeat(200_000 + i)}\n`));
    const written = (async () => {
      await pause(30); // the reader starts before the file exists
      for (const piece of pieces) {
        fs.appendFileSync(file, piece);
        await pause(15);
      }
    })();
    const got = await download(file, written);
    expect(got.complete).toBe(true);
    expect(got.body.equals(Buffer.concat(pieces))).toBe(true);
  });

  it('gives the same bytes as DuckDB\'s finished COPY when it runs alongside the COPY', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const sql = `SELECT i, 'unit ' || i AS name, i / 7 AS value FROM range(400000) t(i) ORDER BY i`;
      const file = path.join(dir, 'streamed.csv');
      const got = await download(file, conn.run(`COPY (${sql}) TO '${file}' (FORMAT csv, HEADER true)`).then(() => undefined));
      const reference = path.join(dir, 'reference.csv');
      await conn.run(`COPY (${sql}) TO '${reference}' (FORMAT csv, HEADER true)`);
      expect(got.complete).toBe(true);
      expect(got.body.length).toBeGreaterThan(5_000_000);
      expect(got.body.equals(fs.readFileSync(reference))).toBe(true);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('cuts the answer off when the writer fails after part of the file went out, and reports the failure', async () => {
    const file = path.join(dir, 'export.csv');
    const written = (async () => {
      fs.writeFileSync(file, 'first part\n');
      await pause(40);
      throw new Error('disk full');
    })();
    const got = await download(file, written);
    expect(got.body.toString()).toBe('first part\n');
    expect(got.complete).toBe(false);
    expect(String(await got.served)).toContain('disk full');
  });
});
