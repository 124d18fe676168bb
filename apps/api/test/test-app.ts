/**
 * Test harness: a real NestJS app on a real port with real stores. `backend` 'postgres' uses a fresh
 * database on the server in DATABASE_URL (dropped afterwards); 'pglite' uses embedded PGlite in memory.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { buildApp, BuiltApp } from '../src/app.factory';
import { AppConfig, loadConfig } from '../src/config';

export type Backend = 'postgres' | 'pglite';

/** Backends to run HTTP suites against: always the embedded one, plus real PostgreSQL when configured. */
export function backends(): Backend[] {
  return process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];
}

export interface TestApp extends BuiltApp {
  url: string;
  config: AppConfig;
  backend: Backend;
}

/** A fresh database on the PostgreSQL server of `serverUrl` (default DATABASE_URL), dropped by `drop()`. */
export async function createDatabase(serverUrl = process.env.DATABASE_URL!): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `uitkomst_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestApp(backend: Backend, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-test-'));
  const db = backend === 'postgres' ? await createDatabase(process.env.DATABASE_URL!) : null;
  const config = loadConfig({ DATA_DIR: dataDir, UITKOMST_MODE: 'demo' }, {
    databaseUrl: db?.url ?? null, webDir: null, loadDemo: false, port: 0, ...overrides,
  });
  const built = await buildApp(config, { warehouseFile: path.join(dataDir, 'warehouse.duckdb'), embeddedInMemory: true, logger: ['error'] });
  await built.app.listen(0, '127.0.0.1');
  const address = built.app.getHttpServer().address() as import('node:net').AddressInfo;
  return {
    ...built,
    config,
    backend,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await built.close();
      await db?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
