/** The PostgreSQL part of a backup: every table as NDJSON from one snapshot, and its restore (see backup.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DataSource, QueryRunner } from 'typeorm';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import { dataSourceOptions } from '../database/data-source-options';
import { MIGRATIONS } from '../database/migrations';
import type { BackupManifest, Log } from './backup';

const BATCH = 2000;
/** TypeORM's own bookkeeping: recreated by running the migrations, not copied. */
const SKIPPED_TABLES = new Set(['migrations', 'typeorm_metadata']);

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables of the current schema, parents before children (foreign keys). */
async function tablesInDependencyOrder(q: QueryRunner | DataSource): Promise<string[]> {
  const tables: { name: string }[] = await q.query(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`);
  const links: { child: string; parent: string }[] = await q.query(`SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
    JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid JOIN pg_namespace n ON n.oid = ch.relnamespace
    WHERE k.contype = 'f' AND n.nspname = current_schema()`);
  const names = tables.map((t) => t.name).filter((n) => !SKIPPED_TABLES.has(n));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const l of links) if (l.child === t && l.parent !== t && names.includes(l.parent)) visit(l.parent);
    visiting.delete(t);
    ordered.push(t);
  };
  names.forEach(visit);
  return ordered;
}

async function writeLines(file: string, produce: (write: (line: string) => Promise<void>) => Promise<void>) {
  const out = fs.createWriteStream(file);
  const write = (line: string) => new Promise<void>((resolve, reject) => {
    if (out.write(line + '\n')) resolve();
    else out.once('drain', resolve).once('error', reject);
  });
  try {
    await produce(write);
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Every table in one snapshot, as NDJSON files; returns the row counts and the migrations that have run. */
export async function exportPostgres(db: DataSource, dir: string): Promise<{ tables: BackupManifest['postgres']['tables']; migrations: string[] }> {
  fs.mkdirSync(dir, { recursive: true });
  const q = db.createQueryRunner();
  await q.connect();
  try {
    await q.startTransaction('REPEATABLE READ');
    const tables = await tablesInDependencyOrder(q);
    const result: { name: string; rows: number }[] = [];
    for (const table of tables) {
      let rows = 0;
      await q.query(`DECLARE uitkomst_backup NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS j FROM ${quoteIdent(table)} t`);
      await writeLines(path.join(dir, `${table}.ndjson`), async (write) => {
        for (;;) {
          const batch: { j: string }[] = await q.query(`FETCH ${BATCH} FROM uitkomst_backup`);
          for (const r of batch) await write(r.j);
          rows += batch.length;
          if (batch.length < BATCH) break;
        }
      });
      await q.query(`CLOSE uitkomst_backup`);
      result.push({ name: table, rows });
    }
    const migrations: { name: string }[] = await q.query(`SELECT name FROM migrations ORDER BY id`);
    await q.commitTransaction();
    return { tables: result, migrations: migrations.map((m) => m.name) };
  } catch (err) {
    if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await q.release();
  }
}

export async function readNdjson(file: string, each: (lines: string[]) => Promise<void>) {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let batch: string[] = [];
  for await (const line of rl) {
    if (!line) continue;
    batch.push(line);
    if (batch.length >= BATCH) {
      await each(batch);
      batch = [];
    }
  }
  if (batch.length) await each(batch);
}

/**
 * Embedded PGlite takes one connection at a time and may not have seen the previous one close yet (it then
 * terminates or resets the new one): retry briefly.
 */
async function initialize(ds: DataSource): Promise<DataSource> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ds.initialize();
    } catch (err) {
      if (attempt >= 30 || !isDatabaseUnavailable(err)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function restorePostgres(dir: string, manifest: BackupManifest, url: string, embedded: boolean, force: boolean, log: Log) {
  // First the schema as it was when the backup was taken, so the rows fit it exactly.
  const probe = await initialize(new DataSource({ ...dataSourceOptions(url, embedded), migrationsRun: false }));
  try {
    const existing = await tablesInDependencyOrder(probe);
    const filled: string[] = [];
    for (const t of existing) {
      const [{ n }] = await probe.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${quoteIdent(t)} LIMIT 1) x`);
      if (n > 0) filled.push(t);
    }
    if (filled.length && !force) throw new Error(`the database is not empty (${filled.join(', ')} hold rows); restore into an empty database, or pass --force to replace it`);
    // An empty schema left by an earlier start (migrations only, no rows) is dropped too, so the backup's migrations can run.
    const all: { name: string }[] = await probe.query(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`);
    if (all.length) await probe.query(`DROP TABLE IF EXISTS ${all.map((t) => quoteIdent(t.name)).join(', ')} CASCADE`);
  } finally {
    await probe.destroy();
  }
  const wanted = new Set(manifest.postgres.migrations);
  const asThen = await initialize(new DataSource({ ...dataSourceOptions(url, embedded), migrations: MIGRATIONS.filter((m) => wanted.has(m.name)) }));
  try {
    await asThen.transaction(async (m) => {
      for (const t of manifest.postgres.tables) {
        const file = path.join(dir, 'postgres', `${t.name}.ndjson`);
        let rows = 0;
        await readNdjson(file, async (lines) => {
          await m.query(`INSERT INTO ${quoteIdent(t.name)} SELECT * FROM jsonb_populate_recordset(NULL::${quoteIdent(t.name)}, $1::jsonb)`, [`[${lines.join(',')}]`]);
          rows += lines.length;
        });
        if (rows !== t.rows) throw new Error(`table ${t.name}: ${rows} rows restored, the backup lists ${t.rows}`);
      }
      const serials: { table_name: string; column_name: string }[] = await m.query(`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`);
      for (const s of serials) {
        await m.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quoteIdent(s.column_name)}) FROM ${quoteIdent(s.table_name)}), 0) + 1, false)`,
          [quoteIdent(s.table_name), s.column_name]);
      }
    });
  } finally {
    await asThen.destroy();
  }
  // Then whatever migrations this version adds.
  await (await initialize(new DataSource(dataSourceOptions(url, embedded)))).destroy();
  log(`postgres: ${manifest.postgres.tables.length} tables, ${manifest.postgres.tables.reduce((s, t) => s + t.rows, 0)} rows restored`);
}
