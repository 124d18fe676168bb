/** What the API shows of a submission, and the query parameters it accepts. */
import { CLIENT_GROUPS, MEASURES } from '@uitkomst/domain';
import { z } from 'zod';
import type { Submission, SubmissionError } from '../submissions/submission.entity';

export interface SubmissionView {
  id: string;
  status: Submission['status'];
  organisationCode: string | null;
  format: string;
  layout: 'long' | 'wide' | null;
  filename: string | null;
  sha256: string;
  byteSize: number;
  rowCount: number | null;
  valueCount: number | null;
  errorCount: number;
  /** The first errors (at most 100); all of them at `links.errors`. */
  errors: SubmissionError[];
  supersededValues: number;
  supersededBy: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
  links: { self: string; errors: string; facts: string };
}

export const submissionPath = (id: string) => `/api/v1/submissions/${id}`;

export function toSubmissionView(s: Submission): SubmissionView {
  return {
    id: s.id, status: s.status, organisationCode: s.organisationCode, format: s.format, layout: s.layout, filename: s.filename,
    sha256: s.sha256, byteSize: Number(s.byteSize), rowCount: s.rowCount, valueCount: s.valueCount, errorCount: s.errorCount,
    errors: s.errorsSample, supersededValues: s.supersededValues, supersededBy: s.supersededBy, receivedAt: s.receivedAt, finishedAt: s.finishedAt,
    links: { self: submissionPath(s.id), errors: `${submissionPath(s.id)}/errors.csv`, facts: `${submissionPath(s.id)}/facts` },
  };
}

const page = { limit: z.coerce.number().int().min(1).max(10000).default(1000), offset: z.coerce.number().int().min(0).default(0) };

export const ListQuery = z.object({
  status: z.enum(['received', 'validating', 'accepted', 'rejected', 'superseded']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const GetQuery = z.object({ wait: z.coerce.number().min(0).max(60).default(0) });

export const UploadQuery = z.object({ wait: z.coerce.number().min(0).max(60).default(0), filename: z.string().max(255).optional() });

/** The message of a 422 answer: how many errors, the first with where it is, and where to find them all. */
export function rejectionMessage(s: Submission): string {
  const first = s.errorsSample[0];
  const where = first ? [first.row !== null ? `row ${first.row}` : null, first.column !== null ? `column "${first.column}"` : null].filter(Boolean).join(', ') : '';
  const detail = first ? ` First: ${where ? `${where}: ` : ''}${first.code}: ${first.message}` : '';
  return `The file was rejected with ${s.errorCount} error${s.errorCount === 1 ? '' : 's'}; nothing was stored.${detail} Every error: ${submissionPath(s.id)}/errors.csv`;
}

export const FactsQuery = z.object(page);

export const HistoryQuery = z.object({
  site: z.string().min(1).max(40),
  municipality: z.string().regex(/^GM\d{4}$/).optional(),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must be YYYY-MM').optional(),
  clientGroup: z.enum(CLIENT_GROUPS).optional(),
  measure: z.enum(MEASURES.map((m) => m.code) as [string, ...string[]]).optional(),
  ...page,
});

export const TemplateQuery = z.object({ layout: z.enum(['long', 'wide']).default('long') });
