/**
 * Embedded PostgreSQL: PGlite (Postgres compiled to WASM) kept under DATA_DIR, served on a loopback
 * port with pglite-socket so TypeORM reaches it through the ordinary `pg` driver, the same code path as
 * a real server. PGlite is single-connection: callers must use a pool of one connection.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** `dir` null keeps the database in memory (tests). */
export async function startEmbeddedPostgres(dir: string | null): Promise<EmbeddedPostgres> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
