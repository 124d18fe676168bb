/**
 * `backup` and `restore`. A backup is taken through the running server (`--key`: it owns the stores, the
 * snapshot is consistent while it keeps serving) or, with the server stopped, straight from the stores
 * (`--out DIR`). Restore always works on stopped stores: DATA_DIR and DATABASE_URL (or embedded) from the environment.
 */
import 'reflect-metadata';
import { Warehouse } from '@uitkomst/warehouse';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createBackup, restoreBackup } from '../backup/backup';
import { loadConfig } from '../config';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import type { CliCommand } from './command';
import { apiCall } from './http-client';

const log = (line: string) => console.log(line);

async function offlineBackup(out: string) {
  const config = loadConfig();
  let warehouse: Warehouse;
  try {
    warehouse = await Warehouse.open(path.join(config.dataDir, 'warehouse.duckdb'), config.duckdb);
  } catch (err) {
    throw new Error(`cannot open the warehouse in ${config.dataDir} (${(err as Error).message.split('\n')[0]}); `
      + 'while the server runs, back up through it: npm run backup -- --key ADMIN_KEY [--url URL]');
  }
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'));
  const db = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, !!embedded));
  try {
    await db.initialize();
    await createBackup({ db, warehouse, dataDir: config.dataDir, embedded: !!embedded }, out, log);
  } finally {
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
    await warehouse.close();
  }
}

export const backupCommands: CliCommand[] = [
  {
    name: 'backup',
    usage: 'backup --key ADMIN_KEY [--url URL] [--name NAME] | backup --out DIR',
    summary: 'Back up PostgreSQL, DuckDB and the releases: through the running server (to DATA_DIR/backups/NAME) or, server stopped, to DIR',
    async run(args) {
      if (typeof args.flags.out === 'string') return offlineBackup(path.resolve(args.flags.out));
      if (!args.flags.key && !process.env.UITKOMST_KEY) throw new Error('give --key ADMIN_KEY to back up through the running server, or --out DIR with the server stopped');
      const made = await apiCall(args, 'POST', '/api/v1/admin/backups', typeof args.flags.name === 'string' ? { name: args.flags.name } : {});
      console.log(`backup written by the server to ${made.path} (${made.files} files, ${made.bytes} bytes, ${made.duckdb.factValues} fact values, releases: ${made.releases.map((r: { id: string }) => r.id).join(', ') || 'none'})`);
    },
  },
  {
    name: 'restore',
    usage: 'restore BACKUP_DIR [--force]',
    summary: 'Restore a backup into DATA_DIR and DATABASE_URL (or embedded); both must be empty unless --force; server stopped',
    async run(args) {
      const from = args.positional[0];
      if (!from) throw new Error('usage: restore BACKUP_DIR [--force]');
      const config = loadConfig();
      await restoreBackup(from, { dataDir: config.dataDir, databaseUrl: config.databaseUrl }, { force: args.flags.force === true, log });
      console.log(`restored into ${config.dataDir}${config.databaseUrl ? ' and the database in DATABASE_URL' : ' (embedded PostgreSQL)'}; start the server to serve it`);
    },
  },
];
