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
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { MIGRATIONS } from '../database/migrations';
import { MANIFEST_FILE, ReleaseManifest, releaseDir, releasesDir } from '../releases/release-manifest';
import { sha256File } from '../releases/release-writer';
import { exportPostgres, readNdjson, restorePostgres } from './postgres-backup';

export const BACKUP_FORMAT = 'uitkomst-backup';
export const BACKUP_MANIFEST = 'manifest.json';

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

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
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

