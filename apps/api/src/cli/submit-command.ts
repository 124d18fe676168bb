/** `submit FILE --key KEY [--url URL] [--type MEDIA_TYPE]`: uploads a file, follows its validation and prints the errors. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOfFilename, MEDIA_TYPES } from '../ingestion/file-formats';
import type { CliArgs, CliCommand } from './command';
import { apiKey, postFile, serverUrl } from './http-client';

const FINAL = ['accepted', 'rejected', 'superseded'];

export interface SubmitOutput { log(line: string): void }

export async function runSubmit(args: CliArgs, out: SubmitOutput = { log: (l) => console.log(l) }): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new Error('usage: submit FILE --key KEY [--url URL] [--type MEDIA_TYPE]');
  const type = typeof args.flags.type === 'string' ? args.flags.type : MEDIA_TYPES[formatOfFilename(file) ?? 'csv'];
  const base = serverUrl(args);
  const auth = { authorization: `Bearer ${apiKey(args)}` };
  const size = fs.statSync(file).size;
  out.log(`uploading ${path.basename(file)} (${size} bytes, ${type}) to ${base}`);
  const { status, body: posted } = await postFile(`${base}/api/v1/submissions?filename=${encodeURIComponent(path.basename(file))}`,
    { ...auth, 'content-type': type }, file);
  if (status !== 202 && status !== 200) {
    out.log(`upload refused: ${status} ${posted.code ?? ''} ${posted.message ?? JSON.stringify(posted)}`);
    return 1;
  }
  out.log(`${status === 200 ? 'already submitted as' : 'submission'} ${posted.id} (sha256 ${posted.sha256})`);
  let submission = posted;
  let last = '';
  while (!FINAL.includes(submission.status)) {
    if (submission.status !== last) out.log(`status: ${submission.status}`);
    last = submission.status;
    const poll = await fetch(`${base}/api/v1/submissions/${posted.id}?wait=10`, { headers: auth });
    if (!poll.ok) throw new Error(`GET submission ${posted.id}: ${poll.status}`);
    submission = await poll.json();
  }
  out.log(`status: ${submission.status}; ${submission.rowCount ?? 0} rows, ${submission.valueCount ?? 0} values, ${submission.errorCount} errors`);
  for (const e of submission.errors) out.log(`  ${e.row === null ? '-' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}: ${e.code}: ${e.message}`);
  if (submission.errorCount > submission.errors.length) out.log(`  ... all ${submission.errorCount} errors: ${base}${submission.links.errors}`);
  return submission.status === 'rejected' ? 1 : 0;
}

export const submitCommand: CliCommand = {
  name: 'submit',
  usage: 'submit FILE --key KEY [--url URL] [--type MEDIA_TYPE]',
  summary: 'Upload a file of indicators (CSV, JSON, NDJSON, Arrow, Parquet), wait for validation and print errors',
  run: (args) => runSubmit(args),
};
