import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { MIGRATIONS } from '../src/database/migrations';
import { Region } from '../src/registry/entities/region.entity';

describe('embedded PostgreSQL (PGlite over pglite-socket, normal pg driver)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-pglite-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function open() {
    const pg = await startEmbeddedPostgres(dir);
    const db = new DataSource(dataSourceOptions(pg.url, true));
    await db.initialize();
    return { db, async close() { await db.destroy(); await pg.stop(); } };
  }

  it('runs every migration and records it', async () => {
    const { db, close } = await open();
    try {
      const ran = await db.query(`SELECT name FROM migrations ORDER BY id`);
      expect(ran.map((r: any) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
      expect(tables.map((t: any) => t.table_name)).toEqual(expect.arrayContaining(['api_keys', 'audit_events', 'municipalities', 'releases', 'sites', 'submissions']));
    } finally {
      await close();
    }
  });

  it('commits and rolls back transactions, and enforces constraints', async () => {
    const { db, close } = await open();
    try {
      await db.transaction((m) => m.insert(Region, { code: 'AM18', name: 'Groot-Amsterdam' }));
      await expect(db.transaction(async (m) => {
        await m.insert(Region, { code: 'AM19', name: 'Zaanstreek/Waterland' });
        throw new Error('abort');
      })).rejects.toThrow('abort');
      await expect(db.getRepository(Region).insert({ code: 'AM18', name: 'duplicate' })).rejects.toThrow(/duplicate key/);
      expect((await db.getRepository(Region).find()).map((r) => r.code)).toEqual(['AM18']);
    } finally {
      await close();
    }
  });

  it('keeps data on disk across restarts without re-running migrations', async () => {
    const { db, close } = await open();
    try {
      expect(await db.getRepository(Region).findOneBy({ code: 'AM18' })).toMatchObject({ name: 'Groot-Amsterdam' });
      expect((await db.query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(MIGRATIONS.length);
    } finally {
      await close();
    }
  });
});
