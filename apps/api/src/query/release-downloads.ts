/** Downloads of released data: a filtered table in five formats, single manifest files, or the whole release as a zip. */
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as path from 'node:path';
import { takeOver } from '../common/http';
import type { AppConfig } from '../config';
import { MANIFEST_FILE, releaseDir, ReleaseTable, TABLE_SPECS } from '../releases/release-manifest';
import type { Release } from '../releases/release.entity';
import { APP_CONFIG } from '../tokens';
import { ARROW_STREAM } from './formats';
import { parseMetricsQuery } from './metrics-queries';
import { assertKnownParams, badParameter, checkAllowed, listParam, RawQuery, singleParam } from './query-params';
import { QueryService } from './query.service';
import { EXPORT_FORMATS, EXPORT_TABLES, ExportFilters, ExportFormat, exportQuery, isFiltered, streamArrow, streamCopy, streamFile } from './release-export';
import type { LoadedRelease } from './release-store';
import { etagOf, IMMUTABLE, matchesIfNoneMatch, SHORT } from './response-cache';
import { writeZip } from './zip-stream';

const FILTERS = ['metric', 'level', 'unit', 'period', 'from', 'to', 'grain', 'clientGroup'];
const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present', 'csv-excel': 'text/csv; charset=utf-8; header=present',
  parquet: 'application/vnd.apache.parquet', arrow: ARROW_STREAM, json: 'application/json; charset=utf-8',
};
const EXT: Record<ExportFormat, string> = { csv: 'csv', 'csv-excel': 'csv', parquet: 'parquet', arrow: 'arrows', json: 'json' };
const FILE_TYPES: Record<string, string> = { '.parquet': 'application/vnd.apache.parquet', '.json': 'application/json; charset=utf-8', '.md': 'text/markdown; charset=utf-8' };

/** The /metrics filters, validated against the release; without clientGroup every group is exported. */
export function parseExportFilters(rel: LoadedRelease, q: RawQuery): ExportFilters {
  const only = Object.fromEntries(Object.entries(q).filter(([k]) => FILTERS.includes(k)));
  const parsed = parseMetricsQuery(rel, only);
  return { ...parsed, clientGroup: listParam(q, 'clientGroup').length ? parsed.clientGroup : [] };
}

@Injectable()
export class ReleaseDownloads {
  constructor(private readonly query: QueryService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private async cacheHeaders(req: FastifyRequest, reply: FastifyReply, etag: string, latest: boolean, releaseId: string): Promise<boolean> {
    reply.header('ETag', etag);
    reply.header('Cache-Control', latest ? SHORT : IMMUTABLE);
    reply.header('X-Uitkomst-Release', releaseId);
    if (!matchesIfNoneMatch(req, etag)) return false;
    await reply.code(304).send();
    return true;
  }

  async download(req: FastifyRequest, reply: FastifyReply, id: string, q: RawQuery): Promise<void> {
    assertKnownParams(q, ['format', 'table', 'whole', ...FILTERS]);
    const format = checkAllowed('format', [singleParam(q, 'format') ?? 'csv'], EXPORT_FORMATS)[0] as ExportFormat;
    const table = checkAllowed('table', [singleParam(q, 'table') ?? 'metrics'], EXPORT_TABLES)[0] as ReleaseTable;
    const whole = checkAllowed('whole', [singleParam(q, 'whole') ?? 'false'], ['true', 'false'])[0] === 'true';
    const { release, rel, latest } = await this.query.open(id);
    const filters = parseExportFilters(rel, q);
    if (whole && (isFiltered(filters) || q.table !== undefined || q.format !== undefined)) throw badParameter('whole', 'whole=true downloads every file as a zip and takes no table, format or filters');
    const etag = etagOf({ releaseId: rel.id, manifestSha256: release.manifestSha256 ?? '', latest, endpoint: 'download', params: { table, whole, filters }, format: format === 'parquet' ? 'json' : format, filename: '' }).replace(/"$/, `-${format}"`);
    if (await this.cacheHeaders(req, reply, etag, latest, rel.id)) return;
    const dir = releaseDir(this.config.dataDir, rel.id);
    if (whole) {
      reply.header('Content-Type', 'application/zip');
      reply.header('Content-Disposition', `attachment; filename="uitkomst-${rel.id}.zip"`);
      const out = takeOver(reply);
      const files = [...rel.manifest.files.map((f) => f.name), MANIFEST_FILE].map((name) => ({ name: `uitkomst-${rel.id}/${name}`, file: path.join(dir, name) }));
      await writeZip(out, files, new Date(rel.manifest.publishedAt));
      out.end();
      return;
    }
    reply.header('Content-Type', CONTENT_TYPE[format]);
    reply.header('Content-Disposition', `attachment; filename="uitkomst-${rel.id}-${table}${filters.metric.length === 1 ? `-${filters.metric[0]}` : ''}.${EXT[format]}"`);
    const res = takeOver(reply);
    if (format === 'parquet' && !isFiltered(filters)) return streamFile(res, path.join(dir, TABLE_SPECS[table].file));
    const sql = exportQuery(rel, table, filters);
    await this.query.store.withDedicatedConnection(async (conn) => {
      if (format === 'arrow') await streamArrow(conn, res, sql);
      else await streamCopy(conn, res, sql, format, isFiltered(filters) ? undefined : path.join(this.config.dataDir, 'export-cache', rel.id, `${table}.${format}`));
    });
  }

  /** Path of a manifest-listed file (or the manifest itself); anything else is a 404. */
  private filePath(release: Release, name: string): string {
    const listed = name === MANIFEST_FILE || release.manifest!.files.some((f) => f.name === name);
    if (!listed) throw new NotFoundException({ statusCode: 404, error: 'Not Found', parameter: 'name', message: `release ${release.id} has no file "${name}"`, allowed: [MANIFEST_FILE, ...release.manifest!.files.map((f) => f.name)] });
    return path.join(releaseDir(this.config.dataDir, release.id), name);
  }

  async file(req: FastifyRequest, reply: FastifyReply, id: string, name: string): Promise<void> {
    const { release, rel, latest } = await this.query.open(id);
    const file = this.filePath(release, name);
    const sha = name === MANIFEST_FILE ? release.manifestSha256 : rel.manifest.files.find((f) => f.name === name)?.sha256;
    if (await this.cacheHeaders(req, reply, `"${sha}"`, latest, rel.id)) return;
    reply.header('Content-Type', FILE_TYPES[path.extname(name)] ?? 'application/octet-stream');
    reply.header('Content-Disposition', `attachment; filename="uitkomst-${rel.id}-${name}"`);
    await streamFile(takeOver(reply), file);
  }
}
