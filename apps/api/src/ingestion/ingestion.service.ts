/**
 * The life of a submission: received (file on disk, hashed) -> validating -> accepted or rejected.
 * Idempotent per organisation and content hash; all or nothing; the warehouse side is in fact-pipeline.ts.
 * Other code submits files in-process with `submitFile` and hears about accepted data through `onAccepted`.
 */
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, In, IsNull } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import type { AppConfig } from '../config';
import { Submission, SubmissionError } from '../submissions/submission.entity';
import { APP_CONFIG, WAREHOUSE } from '../tokens';
import { CommitResult, formatPhases, PhaseTimes, timed, validateAndLoad, ValidationResult } from './fact-pipeline';
import { FileFormat, formatOf } from './file-formats';
import { readRegistrySnapshot } from './registry-snapshot';
import { ReceivedUpload, streamToFile, UnsupportedMediaTypeError } from './upload-receiver';

export interface AcceptedSubmission {
  submission: Submission;
  /** Earlier submissions whose values it superseded. */
  superseded: CommitResult['superseded'];
}
export type AcceptedListener = (accepted: AcceptedSubmission) => void | Promise<void>;

export interface SubmitFileInput {
  key: AuthenticatedKey;
  filePath: string;
  contentType: string;
  filename?: string | null;
}

const FINAL: Submission['status'][] = ['accepted', 'rejected', 'superseded'];
const actorOf = (key: AuthenticatedKey): Actor => ({ keyId: key.id, organisationCode: key.organisationCode });

function currentMonth(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Waits between attempts while PostgreSQL is unreachable: 0.5 s doubling up to 5 s. */
const RETRY_MS = (attempt: number) => Math.min(5000, 500 * 2 ** attempt);

/** A place in the order of DuckDB commits: the PostgreSQL bookkeeping of commits runs in that same order. */
interface CommitTurn { previous: Promise<void>; done: () => void }

@Injectable()
export class IngestionService implements OnModuleDestroy {
  private readonly log = new Logger('Ingestion');
  private readonly listeners: AcceptedListener[] = [];
  private readonly processing = new Map<string, Promise<Submission>>();
  private readonly receiving = new Map<string, Promise<unknown>>();
  /** Resolves when the bookkeeping of every commit so far is done; extended inside the writer at each commit. */
  private bookkeeping: Promise<void> = Promise.resolve();
  private lastAcceptedAt = 0;
  private openTurns = 0;
  private closing = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  get uploadDir() { return path.join(this.config.dataDir, 'uploads'); }
  errorsFileOf(id: string) { return path.join(this.config.dataDir, 'submissions', `${id}.errors.csv`); }
  storedFileOf(id: string, format: string) { return path.join(this.uploadDir, `${id}.${format}`); }

  /** Before the connections close (TypeORM closes them at application shutdown): stop waiting for PostgreSQL. */
  onModuleDestroy() {
    this.closing = true;
  }

  /** Resolves once every submission committed in DuckDB so far is recorded in PostgreSQL (backups wait for this). */
  bookkept(): Promise<void> {
    return this.bookkeeping;
  }

  /** Commits in DuckDB whose PostgreSQL bookkeeping has not finished yet. */
  get pendingCommits(): number {
    return this.openTurns;
  }

  /** Registers a listener called after every accepted submission (e.g. the metrics build); returns an unsubscribe. */
  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Takes an upload already streamed to disk: returns the organisation's existing submission of the same
   * content (not a rejected one), or records a new one and starts validating it in the background.
   */
  async submitUpload(key: AuthenticatedKey, upload: ReceivedUpload): Promise<{ submission: Submission; existing: boolean }> {
    const lockKey = `${key.organisationCode ?? '(admin)'}:${upload.sha256}`;
    const previous = this.receiving.get(lockKey) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(() => this.receive(key, upload));
    this.receiving.set(lockKey, result);
    try {
      return await result;
    } finally {
      if (this.receiving.get(lockKey) === result) this.receiving.delete(lockKey);
    }
  }

  private async receive(key: AuthenticatedKey, upload: ReceivedUpload): Promise<{ submission: Submission; existing: boolean }> {
    const repo = this.db.getRepository(Submission);
    const existing = await repo.findOne({
      where: { organisationCode: key.organisationCode ?? IsNull(), sha256: upload.sha256, status: In(['received', 'validating', 'accepted', 'superseded']) },
      order: { receivedAt: 'DESC' },
    });
    if (existing) {
      await fs.promises.rm(upload.filePath, { force: true });
      return { submission: existing, existing: true };
    }
    const submission = await this.db.transaction(async (m) => {
      const row = await m.save(Submission, m.create(Submission, {
        organisationCode: key.organisationCode, apiKeyId: key.id, status: 'received', format: upload.format, layout: null,
        filename: upload.filename, sha256: upload.sha256, byteSize: String(upload.byteSize), errorCount: 0, errorsSample: [],
      }));
      await this.audit.record(actorOf(key), 'submission.receive', 'submission', row.id,
        { sha256: upload.sha256, bytes: upload.byteSize, format: upload.format, filename: upload.filename }, m);
      return row;
    });
    await fs.promises.rename(upload.filePath, this.storedFileOf(submission.id, upload.format));
    this.startProcessing(submission.id, key);
    return { submission, existing: false };
  }

  /** In-process submission of a file on disk (demo load, tools): resolves with the finished submission. */
  async submitFile(input: SubmitFileInput): Promise<Submission> {
    const filename = input.filename ?? path.basename(input.filePath);
    const format: FileFormat | null = formatOf(input.contentType, filename);
    if (!format) throw new UnsupportedMediaTypeError(input.contentType);
    const stored = await streamToFile(fs.createReadStream(input.filePath), this.uploadDir, Number.MAX_SAFE_INTEGER);
    const { submission } = await this.submitUpload(input.key, { ...stored, format, filename });
    return this.finished(submission.id);
  }

  /** Resolves when the submission has reached a final status. */
  async finished(id: string): Promise<Submission> {
    const running = this.processing.get(id);
    if (running) return running;
    return this.db.getRepository(Submission).findOneByOrFail({ id });
  }

  /** The submission once final, or as it is after `timeoutMs`. */
  async waitFor(id: string, timeoutMs: number): Promise<void> {
    const running = this.processing.get(id);
    if (!running || timeoutMs <= 0) return;
    await Promise.race([running.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private startProcessing(id: string, key: AuthenticatedKey | null) {
    const job = this.process(id, key).finally(() => this.processing.delete(id));
    this.processing.set(id, job);
    job.catch((err) => this.log.error(`submission ${id}: ${err?.stack ?? err}`));
  }

  private async process(id: string, key: AuthenticatedKey | null): Promise<Submission> {
    const repo = this.db.getRepository(Submission);
    const phases: PhaseTimes = {};
    const submission = await timed(phases, 'start', () => this.whileUnavailable(`submission ${id}`, () => repo.findOneByOrFail({ id })));
    const actor: Actor = key ? actorOf(key) : { keyId: submission.apiKeyId, organisationCode: submission.organisationCode };
    const filePath = this.storedFileOf(id, submission.format);
    await timed(phases, 'start', () => this.whileUnavailable(`submission ${id}`, () => repo.update({ id }, { status: 'validating' })));
    let outcome: { validation: ValidationResult; commit: CommitResult | null };
    const turn: { taken: CommitTurn | null } = { taken: null };
    try {
      try {
        const registry = await timed(phases, 'registry', () => this.whileUnavailable(`submission ${id}`, () => readRegistrySnapshot(this.db, submission.organisationCode)));
        outcome = await validateAndLoad(this.warehouse, {
          submissionId: id, filePath, format: submission.format as FileFormat, registry,
          currentMonth: currentMonth(), errorsFile: this.errorsFileOf(id),
        }, () => {
          // Called on the warehouse writer when the commit starts, so turns are taken in commit order.
          turn.taken = this.takeTurn();
          return this.nextAcceptedAt();
        }, phases);
      } catch (err) {
        this.log.error(`submission ${id} could not be processed: ${err?.stack ?? err}`);
        const failure: SubmissionError = { row: null, column: null, code: 'PROCESSING_FAILED', message: 'The file could not be processed because of a server error; please submit it again later.' };
        outcome = { validation: { layout: null, rowCount: 0, valueCount: 0, errorCount: 1, errorsSample: [failure] }, commit: null };
      }
      if (turn.taken) await timed(phases, 'queue', () => turn.taken!.previous);
      const result = await this.whileUnavailable(`submission ${id}`, () => this.finish(submission, actor, outcome.validation, outcome.commit, phases));
      await fs.promises.rm(filePath, { force: true });
      return result;
    } finally {
      turn.taken?.done();
    }
  }

  /** The next place in the commit order (see `bookkeeping`). */
  private takeTurn(): CommitTurn {
    const previous = this.bookkeeping;
    let resolve!: () => void;
    this.bookkeeping = new Promise<void>((r) => { resolve = r; });
    this.openTurns++;
    let open = true;
    return { previous, done: () => {
      if (open) this.openTurns--;
      open = false;
      resolve();
    } };
  }

  /** Acceptance times strictly increase in commit order, so they order the versions of a value. */
  private nextAcceptedAt(): Date {
    this.lastAcceptedAt = Math.max(Date.now(), this.lastAcceptedAt + 1);
    return new Date(this.lastAcceptedAt);
  }

  /** Runs `fn`, retrying while PostgreSQL is unreachable (until the app shuts down); other errors pass. */
  private async whileUnavailable<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.closing || !this.db.isInitialized || !isDatabaseUnavailable(err)) throw err;
        if (attempt === 0) this.log.warn(`${what}: PostgreSQL is unreachable (${(err as Error).message}); retrying until it is back`);
        await new Promise((r) => setTimeout(r, RETRY_MS(attempt)).unref());
      }
    }
  }

  private async finish(submission: Submission, actor: Actor, v: ValidationResult, commit: CommitResult | null, phases: PhaseTimes = {}): Promise<Submission> {
    const id = submission.id;
    const accepted = commit !== null;
    const saved = await timed(phases, 'record', () => this.db.transaction(async (m) => {
      // A retry after a lost connection may find the first attempt committed: then there is nothing left to do.
      const [current] = await m.query(`SELECT status FROM submissions WHERE id = $1 FOR UPDATE`, [id]);
      if (current && FINAL.includes(current.status)) return m.findOneByOrFail(Submission, { id });
      await m.update(Submission, { id }, {
        status: accepted ? 'accepted' : 'rejected', layout: v.layout, rowCount: v.rowCount, valueCount: accepted ? commit.valueCount : v.valueCount,
        errorCount: v.errorCount, errorsSample: v.errorsSample, finishedAt: new Date(),
      });
      await this.audit.record(actor, accepted ? 'submission.accept' : 'submission.reject', 'submission', id, accepted
        ? { rows: v.rowCount, values: commit.valueCount, superseded: commit.superseded.map((s) => ({ submission: s.submissionId, values: s.values })) }
        : { rows: v.rowCount, errors: v.errorCount, codes: [...new Set(v.errorsSample.map((e) => e.code))] }, m);
      for (const s of commit?.superseded ?? []) {
        await m.query(`UPDATE submissions SET superseded_values = superseded_values + $2, superseded_by = $3,
                         status = CASE WHEN $4::int = 0 THEN 'superseded' ELSE status END WHERE id = $1`,
        [s.submissionId, s.values, id, s.stillCurrent]);
        if (s.stillCurrent === 0) await this.audit.record(actor, 'submission.superseded', 'submission', s.submissionId, { by: id }, m);
      }
      return m.findOneByOrFail(Submission, { id });
    }));
    this.log.log(`submission ${id} ${saved.status}: ${v.rowCount} rows, ${saved.valueCount ?? 0} values, ${v.errorCount} errors (${formatPhases(phases)})`);
    if (accepted) await this.notifyAccepted({ submission: saved, superseded: commit.superseded });
    return saved;
  }

  private async notifyAccepted(accepted: AcceptedSubmission) {
    for (const listener of [...this.listeners]) {
      try {
        await listener(accepted);
      } catch (err) {
        this.log.error(`an onAccepted listener failed for submission ${accepted.submission.id}: ${err?.stack ?? err}`);
      }
    }
  }

  /** Validates again a submission left `received` or `validating` by a restart whose stored file is still there (see ReconciliationService). */
  resume(id: string): Promise<Submission> {
    const running = this.processing.get(id);
    if (running) return running;
    this.startProcessing(id, null);
    return this.processing.get(id)!;
  }

  isFinal(status: Submission['status']) {
    return FINAL.includes(status);
  }
}
