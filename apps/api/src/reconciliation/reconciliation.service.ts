/**
 * Start-up reconciliation: after a crash (SIGKILL, power loss) PostgreSQL, DuckDB and the data directory are
 * brought back into agreement before the app listens. PostgreSQL says which submissions and releases exist
 * and what state they are in; DuckDB holds the facts, committed in one transaction per submission, so a
 * submission's facts are either all there or not at all. The rules:
 *
 * - a submission left `received`/`validating` whose facts are in DuckDB was committed there just before the
 *   crash: it is completed (`accepted`); without facts it is validated again when its stored file is there,
 *   else rejected with `PROCESSING_FAILED` so the same file can be sent again;
 * - facts whose submission is not accepted in PostgreSQL (rejected or unknown) are removed, the values they
 *   had superseded become current again, and the removed rows are kept as Parquet under
 *   DATA_DIR/reconciliation/<time>/ for inspection;
 * - the supersession bookkeeping in PostgreSQL (superseded_values, superseded_by, status `superseded`) is
 *   recomputed from DuckDB where it differs;
 * - accepted submissions without their facts are reported, not changed: that happens only when the stores
 *   were restored from different points in time or DATA_DIR points at another warehouse, which needs a person;
 * - releases left `building` are deleted with their files, `.building-*` directories removed, release
 *   directories without a published row moved to the quarantine, and published releases whose files are
 *   missing are reported (the checksum verification refuses to serve them);
 * - interrupted uploads (`*.part`) and stored files of finished submissions are deleted.
 *
 * Every action is recorded in the audit log (SYSTEM actor, `reconcile.*`, or `submission.accept|reject` with
 * `reconciled`), logged, and kept as the last report (GET /api/v1/admin/reconciliation, summary in health).
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import type { AppConfig } from '../config';
import { IngestionService } from '../ingestion/ingestion.service';
import { MANIFEST_FILE, RELEASE_ID, ReleaseManifest, releaseDir, releasesDir } from '../releases/release-manifest';
import type { SubmissionError } from '../submissions/submission.entity';
import { APP_CONFIG, WAREHOUSE } from '../tokens';

export interface ReconciliationEntry { action: string; target: string; details: Record<string, unknown> }

export interface ReconciliationReport {
  startedAt: string;
  ms: number;
  /** What was changed. */
  actions: ReconciliationEntry[];
  /** What is wrong and was left for a person (see the operations documentation). */
  problems: ReconciliationEntry[];
}

interface SubmissionRow {
  id: string; status: string; format: string; value_count: number | null; superseded_values: number; superseded_by: string | null;
}

interface FactCounts { n: number; superseded: number; lastBy: string | null }

const STUCK = new Set(['received', 'validating']);
const KEPT = new Set(['accepted', 'superseded']);
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

@Injectable()
export class ReconciliationService implements OnApplicationBootstrap {
  private readonly log = new Logger('Reconciliation');
  last: ReconciliationReport | null = null;
  private quarantine: string | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly ingestion: IngestionService,
  ) {}

  async onApplicationBootstrap() {
    await this.run();
  }

  /** Runs every check once; the app is not serving yet, so nothing else writes meanwhile. */
  async run(): Promise<ReconciliationReport> {
    const started = Date.now();
    const report: ReconciliationReport = { startedAt: new Date(started).toISOString(), ms: 0, actions: [], problems: [] };
    this.quarantine = null;
    const resume = await this.submissions(report);
    await this.releases(report);
    this.uploads(report, new Set(resume));
    report.ms = Date.now() - started;
    this.last = report;
    if (report.actions.length || report.problems.length) {
      this.log.warn(`after the last stop: ${report.actions.length} repair(s), ${report.problems.length} problem(s) left for an operator`);
    }
    // Validation restarts only now, so the checks above never see a submission half-way.
    for (const id of resume) void this.ingestion.resume(id).catch(() => undefined);
    return report;
  }

  private async act(report: ReconciliationReport, action: string, targetType: string, target: string, details: Record<string, unknown>, log = true) {
    report.actions.push({ action, target, details });
    if (log) this.log.warn(`${action} ${target} ${JSON.stringify(details)}`);
    await this.audit.record(SYSTEM_ACTOR, action, targetType, target, { ...details, reconciled: true });
  }

  private async problem(report: ReconciliationReport, problem: string, targetType: string, target: string, details: Record<string, unknown>) {
    report.problems.push({ action: problem, target, details });
    this.log.error(`${problem} ${target} ${JSON.stringify(details)}`);
    await this.audit.record(SYSTEM_ACTOR, problem, targetType, target, { ...details, reconciled: true });
  }

  private quarantineDir(): string {
    this.quarantine ??= path.join(this.config.dataDir, 'reconciliation', new Date().toISOString().replace(/[:.]/g, '-'));
    fs.mkdirSync(this.quarantine, { recursive: true });
    return this.quarantine;
  }

  private async factCounts(): Promise<Map<string, FactCounts>> {
    const rows = await this.warehouse.query<{ id: string; n: number; superseded: number; last_by: string | null }>(`
      WITH accepted AS (SELECT submission_id, max(accepted_at) AS at FROM fact_values GROUP BY 1)
      SELECT f.submission_id AS id, CAST(count(*) AS INTEGER) AS n, CAST(count(f.superseded_by) AS INTEGER) AS superseded,
             arg_max(f.superseded_by, a.at) AS last_by
        FROM fact_values f LEFT JOIN accepted a ON a.submission_id = f.superseded_by
       GROUP BY 1`);
    return new Map(rows.map((r) => [r.id, { n: r.n, superseded: r.superseded, lastBy: r.last_by }]));
  }

  /** Returns the submissions to validate again. */
  private async submissions(report: ReconciliationReport): Promise<string[]> {
    const rows: SubmissionRow[] = await this.db.query(
      `SELECT id, status, format, value_count, superseded_values, superseded_by FROM submissions ORDER BY received_at, id`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    let facts = await this.factCounts();
    const resume: string[] = [];

    for (const s of rows.filter((r) => STUCK.has(r.status))) {
      const found = facts.get(s.id);
      if (found && found.n > 0) {
        // One DuckDB transaction per submission: facts present means the commit happened and only the status update was lost.
        await this.db.transaction(async (m) => {
          await m.query(`UPDATE submissions SET status = 'accepted', value_count = $2, error_count = 0, errors_sample = '[]', finished_at = now() WHERE id = $1`, [s.id, found.n]);
          await this.audit.record(SYSTEM_ACTOR, 'submission.accept', 'submission', s.id, { values: found.n, reconciled: 'the facts were committed before a restart; the status update was lost' }, m);
        });
        s.status = 'accepted';
        s.value_count = found.n;
        report.actions.push({ action: 'submission.accept', target: s.id, details: { values: found.n } });
        this.log.warn(`submission ${s.id}: its ${found.n} values were committed before the restart; marked accepted`);
      } else if (fs.existsSync(this.ingestion.storedFileOf(s.id, s.format))) {
        resume.push(s.id);
        await this.act(report, 'reconcile.revalidate', 'submission', s.id, { status: s.status });
      } else {
        const lost: SubmissionError = { row: null, column: null, code: 'PROCESSING_FAILED', message: 'The upload was interrupted by a server restart; please submit the file again.' };
        await this.db.transaction(async (m) => {
          await m.query(`UPDATE submissions SET status = 'rejected', error_count = 1, errors_sample = $2::jsonb, finished_at = now() WHERE id = $1`, [s.id, JSON.stringify([lost])]);
          await this.audit.record(SYSTEM_ACTOR, 'submission.reject', 'submission', s.id, { errors: 1, codes: ['PROCESSING_FAILED'], reconciled: 'interrupted by a restart; the stored file is gone' }, m);
        });
        s.status = 'rejected';
        report.actions.push({ action: 'submission.reject', target: s.id, details: { code: 'PROCESSING_FAILED' } });
        this.log.warn(`submission ${s.id} was interrupted by a restart and its file is gone: rejected`);
      }
    }

    // Facts of submissions that are not accepted in PostgreSQL must not count.
    const orphans = [...facts.keys()].filter((id) => !KEPT.has(byId.get(id)?.status ?? 'unknown'));
    for (const id of orphans) await this.removeFacts(report, id, byId.get(id)?.status ?? null, facts.get(id)!.n);
    if (orphans.length) facts = await this.factCounts();

    for (const s of rows.filter((r) => KEPT.has(r.status))) {
      const found = facts.get(s.id) ?? { n: 0, superseded: 0, lastBy: null };
      if (found.n === 0) {
        if ((s.value_count ?? 0) > 0) await this.problem(report, 'reconcile.facts_missing', 'submission', s.id, { expected: s.value_count, found: 0 });
        continue;
      }
      if (s.value_count !== null && s.value_count !== found.n) {
        await this.problem(report, 'reconcile.facts_count_differs', 'submission', s.id, { expected: s.value_count, found: found.n });
      }
      const status = found.superseded === found.n ? 'superseded' : 'accepted';
      const supersededBy = found.superseded > 0 ? found.lastBy : s.superseded_by;
      if (status !== s.status || found.superseded !== s.superseded_values || supersededBy !== s.superseded_by) {
        await this.db.transaction(async (m) => {
          await m.query(`UPDATE submissions SET status = $2, superseded_values = $3, superseded_by = $4 WHERE id = $1`, [s.id, status, found.superseded, supersededBy]);
          if (status === 'superseded' && s.status !== 'superseded') await this.audit.record(SYSTEM_ACTOR, 'submission.superseded', 'submission', s.id, { by: supersededBy, reconciled: true }, m);
        });
        await this.act(report, 'reconcile.supersession', 'submission', s.id, {
          before: { status: s.status, supersededValues: s.superseded_values, supersededBy: s.superseded_by },
          after: { status, supersededValues: found.superseded, supersededBy },
        });
      }
    }
    return resume;
  }

  /**
   * Removes one submission's facts: kept first as Parquet in the quarantine; every value it had superseded is
   * linked to whatever superseded the removed value (or becomes current again), in one transaction.
   */
  private async removeFacts(report: ReconciliationReport, id: string, status: string | null, n: number) {
    const file = path.join(this.quarantineDir(), `facts-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.parquet`);
    const restored = await this.warehouse.transaction(async (conn) => {
      await conn.run(`COPY (SELECT * FROM fact_values WHERE submission_id = ${sqlString(id)}) TO ${sqlString(file)} (FORMAT PARQUET)`);
      const no = `(SELECT submission_no FROM fact_submissions WHERE submission_id = $1)`;
      const linked = await conn.runAndReadAll(`SELECT CAST(count(*) AS INTEGER) FROM fact_rows WHERE superseded_by = ${no}`, [id]);
      await conn.run(`UPDATE fact_rows f SET superseded_by = r.superseded_by FROM fact_rows r
        WHERE r.submission_no = ${no} AND f.superseded_by = ${no} AND f.site = r.site AND f.municipality = r.municipality
          AND f.period = r.period AND f.client_group = r.client_group AND f.measure = r.measure`, [id]);
      await conn.run(`UPDATE fact_rows SET superseded_by = NULL WHERE superseded_by = ${no}`, [id]);
      await conn.run(`DELETE FROM fact_rows WHERE submission_no = ${no}`, [id]);
      await conn.run(`DELETE FROM fact_submissions WHERE submission_id = $1`, [id]);
      return Number(linked.getRows()[0][0]);
    });
    await this.act(report, 'reconcile.facts_removed', 'submission', id, {
      status: status ?? 'unknown to PostgreSQL', values: n, relinked: restored, kept: path.relative(this.config.dataDir, file),
    });
  }

  private async releases(report: ReconciliationReport) {
    const dir = releasesDir(this.config.dataDir);
    const rows: { id: string; status: string; manifest: ReleaseManifest | null }[] = await this.db.query(`SELECT id, status, manifest FROM releases ORDER BY sequence`);
    const published = new Set(rows.filter((r) => r.status === 'published').map((r) => r.id));
    for (const r of rows.filter((row) => row.status === 'building')) {
      // Killed while building: the row never became published, so its files (if the rename happened) were never served.
      const final = releaseDir(this.config.dataDir, r.id);
      const hadFiles = fs.existsSync(final);
      if (hadFiles) fs.rmSync(final, { recursive: true, force: true });
      await this.db.query(`DELETE FROM releases WHERE id = $1 AND status = 'building'`, [r.id]);
      await this.act(report, 'reconcile.release_abandoned', 'release', r.id, { filesRemoved: hadFiles });
    }
    if (fs.existsSync(dir)) {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const full = path.join(dir, entry.name);
        if (entry.name.startsWith('.building-')) {
          fs.rmSync(full, { recursive: true, force: true });
          await this.act(report, 'reconcile.directory_removed', 'release', entry.name, { path: path.relative(this.config.dataDir, full) });
        } else if (RELEASE_ID.test(entry.name) && !published.has(entry.name)) {
          const to = path.join(this.quarantineDir(), 'releases', entry.name);
          fs.mkdirSync(path.dirname(to), { recursive: true });
          fs.renameSync(full, to);
          await this.act(report, 'reconcile.directory_quarantined', 'release', entry.name, { reason: 'no published release has this id', movedTo: path.relative(this.config.dataDir, to) });
        }
      }
    }
    for (const r of rows.filter((row) => row.status === 'published')) {
      const base = releaseDir(this.config.dataDir, r.id);
      const missing = [MANIFEST_FILE, ...(r.manifest?.files ?? []).map((f) => f.name)].filter((name) => !fs.existsSync(path.join(base, name)));
      const wrongSize = (r.manifest?.files ?? []).filter((f) => !missing.includes(f.name) && fs.statSync(path.join(base, f.name)).size !== f.bytes).map((f) => f.name);
      if (missing.length || wrongSize.length) {
        await this.problem(report, 'reconcile.release_damaged', 'release', r.id, { missing, wrongSize, served: false });
      }
    }
  }

  /** Interrupted uploads and stored files of submissions that are finished or unknown. */
  private uploads(report: ReconciliationReport, keep: Set<string>) {
    const dir = this.ingestion.uploadDir;
    if (!fs.existsSync(dir)) return;
    const removed: string[] = [];
    for (const name of fs.readdirSync(dir)) {
      const id = name.split('.')[0];
      if (keep.has(id)) continue;
      fs.rmSync(path.join(dir, name), { force: true, recursive: true });
      removed.push(name);
    }
    if (removed.length) {
      report.actions.push({ action: 'reconcile.uploads_removed', target: 'uploads', details: { files: removed.length } });
      this.log.warn(`removed ${removed.length} interrupted or leftover upload file(s)`);
    }
  }
}
