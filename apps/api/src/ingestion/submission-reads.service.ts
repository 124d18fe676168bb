/** Reading submissions, their errors and their facts back, for the submitter's own organisation or an admin. */
import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MEASURE_CODES } from '@uitkomst/domain';
import type { Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { DataSource, FindOptionsWhere } from 'typeorm';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { Submission, SubmissionError } from '../submissions/submission.entity';
import { WAREHOUSE } from '../tokens';
import { KEY_COLUMNS } from './column-plan';
import { IngestionService } from './ingestion.service';
import type { z } from 'zod';
import type { FactsQuery, HistoryQuery, ListQuery } from './submission.dto';

/** A CSV cell; text a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe. */
const csvCell = (v: unknown) => {
  const raw = v === null || v === undefined ? '' : String(v);
  const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function errorsToCsv(errors: SubmissionError[]): string {
  return ['row,column,code,message', ...errors.map((e) => [e.row, e.column, e.code, e.message].map(csvCell).join(','))].join('\n') + '\n';
}

export function templateCsv(layout: 'long' | 'wide'): string {
  return [...KEY_COLUMNS, ...(layout === 'long' ? ['measure', 'value'] : MEASURE_CODES)].join(',') + '\n';
}

const FACT_COLUMNS = `site_code, municipality_code, strftime(period, '%Y-%m') AS period, client_group, measure, value,
  submission_id AS "submissionId", CAST(accepted_at AS VARCHAR) AS "acceptedAt", superseded_by AS "supersededBy"`;

@Injectable()
export class SubmissionReadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    private readonly ingestion: IngestionService,
  ) {}

  /** The submission if the key may see it (admin: all; submitter: its organisation's); 404 otherwise. */
  async get(key: AuthenticatedKey, id: string, waitSeconds = 0): Promise<Submission> {
    const where: FindOptionsWhere<Submission> = key.role === 'admin' ? { id } : { id, organisationCode: key.organisationCode ?? '' };
    const found = await this.db.getRepository(Submission).findOneBy(where);
    if (!found) throw new NotFoundException(`submission ${id} not found`);
    if (waitSeconds > 0 && !this.ingestion.isFinal(found.status)) {
      await this.ingestion.waitFor(id, waitSeconds * 1000);
      return this.db.getRepository(Submission).findOneByOrFail({ id });
    }
    return found;
  }

  list(key: AuthenticatedKey, q: z.infer<typeof ListQuery>) {
    const where: FindOptionsWhere<Submission> = {
      ...(key.role === 'admin' ? {} : { organisationCode: key.organisationCode ?? '' }),
      ...(q.status ? { status: q.status } : {}),
    };
    return this.db.getRepository(Submission).find({ where, order: { receivedAt: 'DESC' }, take: q.limit, skip: q.offset });
  }

  /** Every error as CSV: the file written by validation, or the stored sample when the file had file-level errors only. */
  async errorsCsv(key: AuthenticatedKey, id: string): Promise<Readable> {
    const s = await this.get(key, id);
    const file = this.ingestion.errorsFileOf(id);
    if (s.errorCount > s.errorsSample.length && fs.existsSync(file)) return fs.createReadStream(file);
    return Readable.from([errorsToCsv(s.errorsSample)]);
  }

  /** The values a submission brought in, with whether they are still current (superseded_by null). */
  async facts(key: AuthenticatedKey, id: string, q: z.infer<typeof FactsQuery>) {
    const s = await this.get(key, id);
    const rows = await this.warehouse.query(`SELECT ${FACT_COLUMNS} FROM fact_values WHERE submission_id = $1
      ORDER BY site_code, municipality_code, period, client_group, measure LIMIT ${q.limit} OFFSET ${q.offset}`, [id]);
    return { submission: id, status: s.status, total: s.status === 'rejected' ? 0 : s.valueCount ?? 0, limit: q.limit, offset: q.offset, facts: rows };
  }

  /** Every version of the values of a site (optionally narrowed to one key), oldest first per key. */
  async history(key: AuthenticatedKey, q: z.infer<typeof HistoryQuery>) {
    if (key.role !== 'admin') {
      const partner = await this.db.query(`SELECT 1 FROM site_partners WHERE site_code = $1 AND organisation_code = $2`, [q.site, key.organisationCode]);
      if (partner.length === 0) throw new ForbiddenException(`your organisation is not a partner of site ${q.site}`);
    }
    const filters = ['site_code = $1'];
    const params: (string | number)[] = [q.site];
    const add = (sql: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      filters.push(`${sql} = $${params.length}`);
    };
    add('municipality_code', q.municipality);
    add(`strftime(period, '%Y-%m')`, q.period);
    add('client_group', q.clientGroup);
    add('measure', q.measure);
    const rows = await this.warehouse.query(`SELECT ${FACT_COLUMNS}, superseded_by IS NULL AS current FROM fact_values
      WHERE ${filters.join(' AND ')} ORDER BY municipality_code, period, client_group, measure, accepted_at, submission_id
      LIMIT ${q.limit} OFFSET ${q.offset}`, params);
    return { site: q.site, limit: q.limit, offset: q.offset, versions: rows };
  }
}
