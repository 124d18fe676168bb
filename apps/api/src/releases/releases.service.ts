import { ConflictException, Inject, Injectable, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Project } from '@uitkomst/sql-runner';
import type { Warehouse } from '@uitkomst/warehouse';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config';
import { buildMetricsOn, loadMetricsProject } from '../metrics/run-metrics';
import { syncRegistryToWarehouse } from '../registry/warehouse-sync';
import { APP_CONFIG, WAREHOUSE } from '../tokens';
import { buildCodebook, codebookMarkdown } from './codebook';
import { Release } from './release.entity';
import { CODEBOOK_FILE, citationOf, LICENCE, MANIFEST_FILE, RELEASE_ID, ReleaseManifest, releaseDir, releasesDir, TABLE_SPECS } from './release-manifest';
import { describeFile, MissingMartError, periodRange, sha256File, writeReleaseTables } from './release-writer';

export interface ReleaseSummary {
  id: string; sequence: number; title: string; publishedAt: string; metricDefinitionVersion: string;
  rows: Record<string, number | null>; submissions: number; periods: { from: string | null; to: string | null }; citation: string;
}

export class ReleaseIntegrityError extends ServiceUnavailableException {}

/** Version of the metric definitions: the project's declared version, else a hash of its SQL and YAML. */
export function metricDefinitionVersion(project: Project): { version: string; sha256: string } {
  const hash = createHash('sha256');
  for (const m of project.models) hash.update(m.file).update(m.sql).update(JSON.stringify({ c: m.columns, t: m.tests, d: m.description }));
  for (const s of project.setup) hash.update(s.file).update(s.sql);
  const sha256 = hash.digest('hex');
  const declared = project.vars.metric_definition_version;
  return { version: declared != null ? String(declared).slice(0, 20) : `sql-${sha256.slice(0, 12)}`, sha256 };
}

export function modelColumnDocs(project: Project): Record<string, string> {
  return Object.fromEntries(project.models.flatMap((m) => m.columns.filter((c) => c.description).map((c) => [`${m.name}.${c.name}`, c.description])));
}

@Injectable()
export class ReleasesService {
  private publishing: Promise<unknown> = Promise.resolve();
  private readonly verified = new Set<string>();
  private readonly listeners: ((release: Release) => void)[] = [];

  constructor(
    @InjectDataSource() readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  onPublished(listener: (release: Release) => void) {
    this.listeners.push(listener);
  }

  /** Publishes a new release; one at a time in this process, the unique (year, number) guards across processes. */
  publish(actor: Actor, title = ''): Promise<Release> {
    const next = this.publishing.then(() => this.publishNow(actor, title));
    this.publishing = next.catch(() => undefined);
    return next;
  }

  private async allocate(actor: Actor, title: string, version: string): Promise<Release> {
    const year = new Date().getUTCFullYear();
    const [{ seq, n }] = await this.db.query(
      `SELECT coalesce(max(sequence), 0) + 1 AS seq, coalesce(max(number_in_year) FILTER (WHERE year = $1), 0) + 1 AS n FROM releases`, [year]);
    const repo = this.db.getRepository(Release);
    return repo.save(repo.create({
      id: `${year}.${n}`, sequence: Number(seq), year, numberInYear: Number(n), status: 'building', title,
      metricDefinitionVersion: version, manifest: null, manifestSha256: null, createdBy: actor.keyId, publishedAt: null,
    }));
  }

  private async publishNow(actor: Actor, title: string): Promise<Release> {
    const project = loadMetricsProject();
    const definitions = metricDefinitionVersion(project);
    await syncRegistryToWarehouse(this.db, this.warehouse);
    const release = await this.allocate(actor, title, definitions.version);
    const finalDir = releaseDir(this.config.dataDir, release.id);
    const tmpDir = path.join(releasesDir(this.config.dataDir), `.building-${release.id}-${randomBytes(4).toString('hex')}`);
    try {
      if (fs.existsSync(finalDir)) throw new ConflictException(`${finalDir} already exists; refusing to overwrite a release`);
      const written = await this.warehouse.write(async (conn) => {
        await buildMetricsOn(conn, { minDenominator: this.config.minDenominator });
        const submissions = await this.acceptedSubmissionIds();
        const files = await writeReleaseTables(conn, tmpDir);
        const periods = await periodRange(conn, path.join(tmpDir, TABLE_SPECS.metrics.file));
        return { submissions, files, periods };
      });
      const publishedAt = new Date();
      const codebook = buildCodebook({ id: release.id, publishedAt: publishedAt.toISOString(), files: written.files }, modelColumnDocs(project));
      fs.writeFileSync(path.join(tmpDir, CODEBOOK_FILE), JSON.stringify(codebook, null, 2) + '\n');
      fs.writeFileSync(path.join(tmpDir, 'codebook.md'), codebookMarkdown(codebook));
      const files = [...written.files, await describeFile('codebook', path.join(tmpDir, CODEBOOK_FILE), null), await describeFile('codebook', path.join(tmpDir, 'codebook.md'), null)];
      const manifest: ReleaseManifest = {
        id: release.id, sequence: release.sequence, title, publishedAt: publishedAt.toISOString(),
        metricDefinitionVersion: definitions.version, metricDefinitionSha256: definitions.sha256, minDenominator: this.config.minDenominator,
        submissions: written.submissions, files, periods: written.periods, licence: LICENCE, citation: citationOf(release.id, publishedAt.toISOString()),
      };
      const manifestText = JSON.stringify(manifest, null, 2) + '\n';
      fs.writeFileSync(path.join(tmpDir, MANIFEST_FILE), manifestText);
      for (const f of fs.readdirSync(tmpDir)) fs.chmodSync(path.join(tmpDir, f), 0o444);
      fs.renameSync(tmpDir, finalDir);
      const manifestSha256 = createHash('sha256').update(manifestText).digest('hex');
      await this.db.transaction(async (m) => {
        await m.update(Release, { id: release.id }, { status: 'published', manifest, manifestSha256, publishedAt });
        await this.audit.record(actor, 'release.publish', 'release', release.id, { rows: Object.fromEntries(files.filter((f) => f.rows != null).map((f) => [f.table, f.rows])), submissions: written.submissions.length }, m);
      });
      const published = await this.db.getRepository(Release).findOneByOrFail({ id: release.id });
      for (const l of this.listeners) l(published);
      return published;
    } catch (err) {
      fs.rmSync(tmpDir, { recursive: true, force: true });
      await this.db.getRepository(Release).delete({ id: release.id, status: 'building' });
      await this.audit.record(actor, 'release.failed', 'release', release.id, { error: (err as Error).message }).catch(() => undefined);
      if (err instanceof MissingMartError) throw new ConflictException(err.message);
      if (/^model \S+ .*failed/.test((err as Error).message)) throw new InternalServerErrorException(`the metrics build failed, nothing was published: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Accepted submissions, read while the warehouse writer is held so no upload lands in between. */
  private async acceptedSubmissionIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM submissions WHERE status = 'accepted' ORDER BY received_at, id`);
    return rows.map((r) => r.id);
  }

  list(): Promise<Release[]> {
    return this.db.getRepository(Release).find({ where: { status: 'published' }, order: { sequence: 'DESC' } });
  }

  async latest(): Promise<Release | null> {
    return this.db.getRepository(Release).findOne({ where: { status: 'published' }, order: { sequence: 'DESC' } });
  }

  /** A published release by id or `latest`; 404 names the published ids. */
  async get(idOrLatest: string): Promise<Release> {
    const release = idOrLatest === 'latest' ? await this.latest()
      : RELEASE_ID.test(idOrLatest) ? await this.db.getRepository(Release).findOneBy({ id: idOrLatest, status: 'published' }) : null;
    if (release) return release;
    const ids = (await this.list()).map((r) => r.id);
    throw new NotFoundException({
      statusCode: 404, error: 'Not Found', parameter: 'release', allowed: ['latest', ...ids],
      message: ids.length ? `release "${idOrLatest}" is not published; published releases: latest, ${ids.join(', ')}` : 'no release has been published yet',
    });
  }

  /** Verifies manifest.json against the sha256 recorded at publication and every file against the manifest (once per process). */
  async verify(release: Release): Promise<ReleaseManifest> {
    const dir = releaseDir(this.config.dataDir, release.id);
    const manifest = release.manifest!;
    if (this.verified.has(release.id)) return manifest;
    const problems: string[] = [];
    const manifestFile = path.join(dir, MANIFEST_FILE);
    if (!fs.existsSync(manifestFile) || (await sha256File(manifestFile)) !== release.manifestSha256) problems.push(MANIFEST_FILE);
    for (const f of manifest.files) {
      const file = path.join(dir, f.name);
      if (!fs.existsSync(file) || (await sha256File(file)) !== f.sha256) problems.push(f.name);
    }
    if (problems.length) throw new ReleaseIntegrityError(`release ${release.id} fails its checksum verification (${problems.join(', ')}); it is not served`);
    this.verified.add(release.id);
    return manifest;
  }

  summary(r: Release): ReleaseSummary {
    const m = r.manifest!;
    return {
      id: r.id, sequence: r.sequence, title: r.title, publishedAt: m.publishedAt, metricDefinitionVersion: r.metricDefinitionVersion,
      rows: Object.fromEntries(m.files.filter((f) => f.rows != null).map((f) => [f.table, f.rows])), submissions: m.submissions.length, periods: m.periods, citation: m.citation,
    };
  }
}
