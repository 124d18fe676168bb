import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config';
import { IngestionService } from '../ingestion/ingestion.service';
import { APP_CONFIG, WAREHOUSE } from '../tokens';
import { BackupManifest, createBackup } from './backup';

export const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Backups taken by the running server (the only process that may open its stores), under DATA_DIR/backups/<name>. */
@Injectable()
export class BackupService {
  private readonly log = new Logger('Backup');
  private running: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly audit: AuditService,
  ) {}

  get backupsDir() { return path.join(this.config.dataDir, 'backups'); }

  async create(actor: Actor, name?: string): Promise<{ name: string; path: string; manifest: BackupManifest }> {
    const chosen = name ?? new Date().toISOString().replace(/[:.]/g, '-');
    if (!BACKUP_NAME.test(chosen) || chosen.endsWith('.partial')) throw new BadRequestException('name: letters, digits, ".", "_" and "-" only (at most 100), not ending in .partial');
    const out = path.join(this.backupsDir, chosen);
    if (fs.existsSync(out)) throw new ConflictException(`a backup named "${chosen}" exists already`);
    if (this.running) throw new ConflictException('a backup is being written; try again when it has finished');
    const job = createBackup({
      db: this.db, warehouse: this.warehouse, dataDir: this.config.dataDir, embedded: !this.config.databaseUrl,
      pendingCommits: () => this.ingestion.pendingCommits, bookkept: () => this.ingestion.bookkept(),
    }, out, (line) => this.log.log(line));
    this.running = job;
    try {
      const manifest = await job;
      await this.audit.record(actor, 'backup.create', 'backup', chosen, {
        files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.bytes, 0), factValues: manifest.duckdb.factValues, releases: manifest.releases.map((r) => r.id),
      });
      return { name: chosen, path: out, manifest };
    } finally {
      this.running = null;
    }
  }
}
