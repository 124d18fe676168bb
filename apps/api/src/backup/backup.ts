/**
 * Backup and restore of everything Uitkomst keeps: PostgreSQL (every table as NDJSON of `to_jsonb` rows,
 * read in one REPEATABLE READ snapshot through the app's own connection, so it works the same for a server
 * and for embedded PGlite), DuckDB (`EXPORT DATABASE` to Parquet, taken while the warehouse writer is held),
 * the published releases (copied and checked against their manifests) and the submissions' error files.
 *
 * A backup is one directory:
 *
 *   manifest.json                 what is inside, with the sha256 and size of every other file
 *   postgres/<table>.ndjson       one JSON object per row
 *   warehouse/                    DuckDB EXPORT DATABASE output (schema.sql, load.sql, *.parquet)
 *   releases/<id>/...             the release directories
 *   submissions/<id>.errors.csv   every error of rejected submissions
 *
 * It is written as `<dir>.partial` and renamed when complete. Restore checks every checksum first, refuses a
 * target that holds data (unless `force`), recreates the schema with the backup's migrations, loads the
 * rows, sets the sequences, runs newer migrations, imports the warehouse and copies the files.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Warehouse } from '@uitkomst/warehouse';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DataSource, QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { MIGRATIONS } from '../database/migrations';
import { MANIFEST_FILE, ReleaseManifest, releaseDir, releasesDir } from '../releases/release-manifest';

export const BACKUP_FORMAT = 'uitkomst-backup';
export const BACKUP_MANIFEST = 'manifest.json';
const BATCH = 2000;
/** TypeORM's own bookkeeping: recreated by running the migrations, not copied. */
const SKIPPED_TABLES = new Set(['migrations', 'typeorm_metadata']);

export interface BackupFile { path: string; bytes: number; sha256: string }

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  postgres: { embedded: boolean; migrations: string[]; tables: { name: string; rows: number }[] };
  duckdb: { version: string; factValues: number };
  releases: { id: string; verified: boolean; problems: string[] }[];
  files: BackupFile[];
}

export interface BackupSource {
  db: DataSource;
  warehouse: Warehouse;
  dataDir: string;
  embedded: boolean;
  /** In a running app: commits whose PostgreSQL bookkeeping is pending, and a promise for when it is done. */
  pendingCommits?: () => number;
  bookkept?: () => Promise<void>;
}

export type Log = (line: string) => void;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

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
async function exportPostgres(db: DataSource, dir: string): Promise<{ tables: BackupManifest['postgres']['tables']; migrations: string[] }> {
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

/**
 * Writes a backup of the stores to `out` (a new directory). In a running app pass `pendingCommits`/`bookkept`:
 * the snapshot is taken while the warehouse writer is held and every DuckDB commit is recorded in PostgreSQL.
 */
export async function createBackup(source: BackupSource, out: string, log: Log = () => undefined): Promise<BackupManifest> {
  const target = path.resolve(out);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; a backup is written to a new directory`);
  const work = `${target}.partial`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    // Hold the warehouse writer: no submission commits and no release is built while both stores are read.
    // Commits whose PostgreSQL bookkeeping is still running need the writer to finish, so let go and retry then.
    let snapshot: { postgres: Awaited<ReturnType<typeof exportPostgres>>; duckdbVersion: string; factValues: number } | null = null;
    for (let attempt = 0; !snapshot; attempt++) {
      await source.bookkept?.();
      snapshot = await source.warehouse.write(async () => {
        if ((source.pendingCommits?.() ?? 0) > 0 && attempt < 50) return null;
        const postgres = await exportPostgres(source.db, path.join(work, 'postgres'));
        log(`postgres: ${postgres.tables.length} tables, ${postgres.tables.reduce((s, t) => s + t.rows, 0)} rows`);
        // A connection of its own: the writer's temporary staging tables must not be exported.
        const conn = await source.warehouse.instance.connect();
        try {
          await conn.run(`EXPORT DATABASE ${sqlString(path.join(work, 'warehouse'))} (FORMAT PARQUET)`);
          const info = (await conn.runAndReadAll(`SELECT version(), CAST((SELECT count(*) FROM fact_values) AS BIGINT)`)).getRows()[0];
          log(`duckdb: exported (${info[1]} fact values)`);
          return { postgres, duckdbVersion: String(info[0]), factValues: Number(info[1]) };
        } finally {
          conn.closeSync();
        }
      });
    }
    const releases = await copyReleases(source.dataDir, work, snapshot.postgres.tables, log);
    copyErrorFiles(source.dataDir, work, snapshot.postgres.tables);
    const files: BackupFile[] = [];
    for (const rel of listFiles(work)) {
      const full = path.join(work, rel);
      files.push({ path: rel, bytes: fs.statSync(full).size, sha256: await sha256File(full) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT, version: 1, createdAt: new Date().toISOString(),
      postgres: { embedded: source.embedded, migrations: snapshot.postgres.migrations, tables: snapshot.postgres.tables },
      duckdb: { version: snapshot.duckdbVersion, factValues: snapshot.factValues },
      releases, files,
    };
    fs.writeFileSync(path.join(work, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    fs.renameSync(work, target);
    log(`backup written to ${target}: ${files.length} files`);
    return manifest;
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

async function readNdjson(file: string, each: (lines: string[]) => Promise<void>) {
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

/** The published releases of the snapshot, copied and checked against the checksums recorded at publication. */
async function copyReleases(dataDir: string, work: string, tables: { name: string }[], log: Log): Promise<BackupManifest['releases']> {
  const file = path.join(work, 'postgres', 'releases.ndjson');
  if (!tables.some((t) => t.name === 'releases') || !fs.existsSync(file)) return [];
  const rows: { id: string; status: string; manifest: ReleaseManifest | null; manifest_sha256: string | null }[] = [];
  await readNdjson(file, async (lines) => {
    rows.push(...lines.map((l) => JSON.parse(l)));
  });
  const result: BackupManifest['releases'] = [];
  for (const r of rows.filter((row) => row.status === 'published' && row.manifest)) {
    const from = releaseDir(dataDir, r.id);
    const to = path.join(work, 'releases', r.id);
    const problems: string[] = [];
    fs.mkdirSync(to, { recursive: true });
    const expected = new Map<string, string | null>([[MANIFEST_FILE, r.manifest_sha256], ...r.manifest!.files.map((f) => [f.name, f.sha256] as [string, string])]);
    for (const [name, sha256] of expected) {
      const src = path.join(from, name);
      if (!fs.existsSync(src)) {
        problems.push(`${name} missing`);
        continue;
      }
      fs.copyFileSync(src, path.join(to, name));
      if (sha256 && (await sha256File(path.join(to, name))) !== sha256) problems.push(`${name} checksum differs`);
    }
    if (problems.length) log(`warning: release ${r.id} is damaged in the data directory (${problems.join(', ')}); copied as it is`);
    result.push({ id: r.id, verified: problems.length === 0, problems });
  }
  return result;
}

function copyErrorFiles(dataDir: string, work: string, tables: { name: string }[]) {
  const from = path.join(dataDir, 'submissions');
  if (!tables.some((t) => t.name === 'submissions') || !fs.existsSync(from)) return;
  const to = path.join(work, 'submissions');
  for (const name of fs.readdirSync(from).filter((n) => n.endsWith('.errors.csv'))) {
    fs.mkdirSync(to, { recursive: true });
    fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}

/** Checks a backup directory against its manifest; returns the manifest. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  const file = path.join(dir, BACKUP_MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`${dir} is not a backup (no ${BACKUP_MANIFEST}; a directory ending in .partial is an unfinished one)`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== 1) throw new Error(`${dir}: unknown backup format`);
  const bad: string[] = [];
  for (const f of manifest.files) {
    const full = path.join(dir, ...f.path.split('/'));
    if (!fs.existsSync(full) || fs.statSync(full).size !== f.bytes || (await sha256File(full)) !== f.sha256) bad.push(f.path);
  }
  if (bad.length) throw new Error(`the backup in ${dir} is damaged: ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}`);
  return manifest;
}

export interface RestoreTarget { dataDir: string; databaseUrl: string | null }

/** Where the data directory holds store data (backups and other files are ignored). */
function dataDirContents(dataDir: string): string[] {
  const found: string[] = [];
  for (const name of ['warehouse.duckdb', 'warehouse.duckdb.wal']) if (fs.existsSync(path.join(dataDir, name))) found.push(name);
  for (const name of ['releases', 'submissions', 'uploads', 'postgres']) {
    const dir = path.join(dataDir, name);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) found.push(`${name}/`);
  }
  return found;
}

/** Restores a backup into an empty data directory and an empty database (or overwrites them with `force`). */
export async function restoreBackup(from: string, target: RestoreTarget, opts: { force?: boolean; log?: Log } = {}): Promise<BackupManifest> {
  const log = opts.log ?? (() => undefined);
  const dir = path.resolve(from);
  const manifest = await verifyBackup(dir);
  log(`backup of ${manifest.createdAt} verified: ${manifest.files.length} files`);
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = manifest.postgres.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new Error(`the backup was made by a newer version (migrations ${unknown.join(', ')}); restore it with that version`);

  const dataDir = path.resolve(target.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const occupied = dataDirContents(dataDir);
  if (occupied.length && !opts.force) throw new Error(`the data directory ${dataDir} is not empty (${occupied.join(', ')}); restore into an empty one, or pass --force to replace it`);
  if (opts.force) {
    for (const name of ['warehouse.duckdb', 'warehouse.duckdb.wal', 'releases', 'submissions', 'uploads', 'export-cache', ...(target.databaseUrl ? [] : ['postgres'])]) {
      fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    }
  }

  const embedded = target.databaseUrl ? null : await startEmbeddedPostgres(path.join(dataDir, 'postgres'));
  const url = target.databaseUrl ?? embedded!.url;
  try {
    await restorePostgres(dir, manifest, url, !!embedded, !!opts.force, log);
  } finally {
    await embedded?.stop();
  }

  const warehouseFile = path.join(dataDir, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(warehouseFile);
  const conn = await instance.connect();
  try {
    await importWarehouse(conn, path.join(dir, 'warehouse'));
    await conn.run('CHECKPOINT');
    const n = Number((await conn.runAndReadAll(`SELECT count(*) FROM fact_values`)).getRows()[0][0]);
    if (n !== manifest.duckdb.factValues) throw new Error(`the warehouse holds ${n} fact values after the import, the backup ${manifest.duckdb.factValues}`);
    log(`duckdb: imported (${n} fact values)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }

  for (const r of manifest.releases) {
    const to = releaseDir(dataDir, r.id);
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(path.join(dir, 'releases', r.id))) {
      fs.copyFileSync(path.join(dir, 'releases', r.id, name), path.join(to, name));
      fs.chmodSync(path.join(to, name), 0o444);
    }
  }
  fs.mkdirSync(releasesDir(dataDir), { recursive: true });
  if (fs.existsSync(path.join(dir, 'submissions'))) {
    fs.mkdirSync(path.join(dataDir, 'submissions'), { recursive: true });
    for (const name of fs.readdirSync(path.join(dir, 'submissions'))) fs.copyFileSync(path.join(dir, 'submissions', name), path.join(dataDir, 'submissions', name));
  }
  log(`releases: ${manifest.releases.length} copied; restore complete`);
  return manifest;
}

/** Embedded PGlite takes one connection at a time and may not have seen the previous one close yet: retry briefly. */
async function initialize(ds: DataSource): Promise<DataSource> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ds.initialize();
    } catch (err) {
      if (attempt >= 30 || !/Connection terminated/i.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Like DuckDB's IMPORT DATABASE, but tolerant of the order of schema.sql: EXPORT DATABASE may list a macro or
 * view before one it depends on (the metric macros), so statements that fail are retried until all succeed
 * or a round makes no progress. The data files are taken from `dir`, wherever the export was written.
 */
async function importWarehouse(conn: DuckDBConnection, dir: string) {
  const runAll = async (sql: string) => {
    let pending = Array.from({ length: (await conn.extractStatements(sql)).count }, (_, i) => i);
    while (pending.length) {
      const extracted = await conn.extractStatements(sql); // a failed statement cannot be prepared again from the same extraction
      const failed: { index: number; err: unknown }[] = [];
      for (const index of pending) {
        try {
          await (await extracted.prepare(index)).run();
        } catch (err) {
          failed.push({ index, err });
        }
      }
      if (failed.length === pending.length) throw failed[0].err;
      pending = failed.map((f) => f.index);
    }
  };
  await runAll(fs.readFileSync(path.join(dir, 'schema.sql'), 'utf8'));
  const load = fs.readFileSync(path.join(dir, 'load.sql'), 'utf8').split('\n').map((line) => {
    const m = /^(COPY .+ FROM )'((?:[^']|'')*)'(.*)$/.exec(line);
    return m ? `${m[1]}${sqlString(path.join(dir, path.basename(m[2].replace(/''/g, "'"))))}${m[3]}` : line;
  }).join('\n');
  if (load.trim()) await runAll(load);
}

async function restorePostgres(dir: string, manifest: BackupManifest, url: string, embedded: boolean, force: boolean, log: Log) {
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
