/**
 * The malformed-input corpus (bad-input/cases.ts) against a real app on both backends: each case gets its
 * expected 4xx status and a message naming what is wrong, nothing is stored (no fact, no kept submission, no
 * file left under DATA_DIR/uploads), no error body carries a stack or a server path, and the server stays
 * healthy and keeps accepting valid files.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { parseCsv } from '@uitkomst/domain';
import { MAX_UPLOAD_BYTES, QUERY_CASES, QueryCase, UPLOAD_CASES, UploadCase } from './bad-input/cases';
import { countFacts, IngestionContext, startIngestionApp, submit, WIDE_HEADER, wideRow } from './ingestion-setup';
import { backends } from './test-app';

interface Answer { status: number; headers: http.IncomingHttpHeaders; text: string; body: any }

/** One HTTP request with full control of how the body goes out; resolves with the answer even if the server cuts the upload short. */
function request(url: string, opts: { method: string; headers: Record<string, string>; body?: Buffer; send?: UploadCase['send'] }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers };
    if (opts.body && opts.send !== 'chunked' && opts.send !== 'declared-length-only') headers['content-length'] = String(opts.body.length);
    // Host and path given apart: a URL object would resolve '..' and '%2e%2e' before the server sees them.
    const origin = /^https?:\/\/[^/]+/.exec(url)![0];
    const { hostname, port } = new URL(origin);
    const req = http.request({ hostname, port, path: url.slice(origin.length), method: opts.method, headers });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any = null;
        try { body = JSON.parse(text); } catch { /* not JSON: the assertion on the body says so */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        req.destroy();
      });
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    if (!opts.body) return void req.end();
    if (opts.send === 'declared-length-only') return void req.write(opts.body);
    if (opts.send !== 'chunked') return void req.end(opts.body);
    writeInChunks(req, opts.body, () => answered);
  });
}

async function writeInChunks(req: http.ClientRequest, body: Buffer, stop: () => boolean) {
  for (let i = 0; i < body.length && !stop() && !req.destroyed; i += 1 << 20) {
    if (!req.write(body.subarray(i, i + (1 << 20)))) await drainedOrClosed(req);
  }
  if (!req.destroyed) req.end();
}

function drainedOrClosed(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

function expectCleanErrorBody(a: Answer, dataDir: string) {
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  expect(a.body).toEqual(expect.objectContaining({ statusCode: a.status, error: expect.any(String), message: expect.any(String) }));
  expect(a.body).not.toHaveProperty('stack');
  expect(a.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  expect(a.text).not.toContain(dataDir);
}

describe.each(backends())('malformed input on %s', (backend) => {
  let ctx: IngestionContext;
  let keys: Record<string, string | undefined>;
  let uploadsDir: string;
  const baseline = { facts: 0, kept: 0 };

  const count = async (where = 'true'): Promise<number> =>
    Number((await ctx.db.query(`SELECT count(*)::int AS n FROM submissions WHERE ${where}`))[0].n);

  beforeAll(async () => {
    ctx = await startIngestionApp(backend, { maxUploadBytes: MAX_UPLOAD_BYTES, rateLimitUploadsPerMinute: 0, rateLimitPublicPerMinute: 0 });
    uploadsDir = path.join(ctx.t.config.dataDir, 'uploads');
    keys = {
      amsterdam: ctx.amsterdam, eemsdelta: ctx.eemsdelta, admin: ctx.admin,
      none: undefined, malformed: "' OR 1=1 --", unknown: 'uk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    const valid = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2023-01')}\n`, 'text/csv', ctx.amsterdam);
    expect(valid.status).toBe('accepted');
    const published = await fetch(`${ctx.t.url}/api/v1/releases`, { method: 'POST', headers: { authorization: `Bearer ${ctx.admin}`, 'content-type': 'application/json' }, body: '{}' });
    expect(published.status).toBe(201);
    baseline.facts = await countFacts(ctx);
    baseline.kept = await count(`status <> 'rejected'`);
  });
  afterAll(async () => ctx?.t.close());

  it('covers at least 40 distinct cases', () => {
    const names = [...UPLOAD_CASES, ...QUERY_CASES].map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  it.each(UPLOAD_CASES)('upload: $name -> $status', async (c) => {
    const before = await count();
    const key = keys[c.key ?? 'amsterdam'];
    const headers: Record<string, string> = { ...(c.contentType ? { 'content-type': c.contentType } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}), ...c.headers };
    const a = await request(`${ctx.t.url}/api/v1/submissions?${c.query ?? 'wait=60'}`, { method: 'POST', headers, body: await c.body(), send: c.send });

    expect({ status: a.status, message: a.body?.message }).toEqual({ status: c.status, message: expect.stringMatching(c.message) });
    expectCleanErrorBody(a, ctx.t.config.dataDir);
    if (c.status === 422) {
      expect(a.body).toMatchObject({ status: 'rejected', existing: false });
      expect(a.headers.location).toBe(`/api/v1/submissions/${a.body.id}`);
      for (const e of c.errors ?? []) {
        expect(a.body.errors).toContainEqual(expect.objectContaining({
          code: e.code, ...(e.row !== undefined ? { row: e.row } : {}), ...(e.column !== undefined ? { column: e.column } : {}),
          ...(e.message ? { message: expect.stringMatching(e.message) } : {}),
        }));
      }
      for (const e of a.body.errors) expect(e.message).not.toMatch(/\d{9}/);
      expect(await count()).toBe(before + 1);
    } else {
      expect(await count()).toBe(before);
    }
    expect(await count(`status <> 'rejected'`)).toBe(baseline.kept);
    expect(await countFacts(ctx)).toBe(baseline.facts);
    expect(fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []).toEqual([]);
    expect((await fetch(`${ctx.t.url}/api/health`)).status).toBe(200);
  });

  it.each(QUERY_CASES)('query: $name -> $status', async (c: QueryCase) => {
    const key = c.key ? keys[c.key] : undefined;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(c.body ? { 'content-type': 'application/json' } : {}), ...c.headers };
    const a = await request(ctx.t.url + c.path, { method: c.method ?? 'GET', headers, body: c.body === undefined ? undefined : Buffer.from(c.body) });
    expect({ status: a.status, message: a.body?.message }).toEqual({ status: c.status, message: expect.stringMatching(c.message) });
    if (c.parameter) expect(a.body.parameter).toBe(c.parameter);
    expectCleanErrorBody(a, ctx.t.config.dataDir);
    expect(await countFacts(ctx)).toBe(baseline.facts);
  });

  it.each([
    ['a few errors (from the stored sample)', 0],
    ['more than 100 errors (the file written by validation)', 150],
  ])('leaves the errors CSV safe to open in a spreadsheet: %s', async (_what, badRows) => {
    const rows = Array.from({ length: badRows }, (_, i) => `WP-AM18-01,GM0363,${2011 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},ww,clients_start,=1+${i},x`);
    const body = Buffer.concat([fs.readFileSync(path.join(__dirname, 'bad-input', 'uploads', 'formula-in-header.csv')), Buffer.from(rows.map((r) => `${r}\n`).join(''))]);
    const a = await request(`${ctx.t.url}/api/v1/submissions?wait=60`, { method: 'POST', headers: { authorization: `Bearer ${ctx.amsterdam}`, 'content-type': 'text/csv' }, body });
    expect(a.status).toBe(422);
    expect(a.body.errorCount).toBe(1 + badRows);
    const csv = await (await fetch(`${ctx.t.url}/api/v1/submissions/${a.body.id}/errors.csv`, { headers: { authorization: `Bearer ${ctx.amsterdam}` } })).text();
    const cells = parseCsv(csv).flatMap((r) => Object.values(r));
    expect(cells).toContain(`'=cmd|' /C calc'!A0`);
    if (badRows) expect(cells.filter((c) => c.startsWith('The value "=1+'))).toHaveLength(badRows);
    expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
  });

  it('stays healthy and still accepts a valid file afterwards', async () => {
    const health = await fetch(`${ctx.t.url}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as any).status).toBe('ok');
    const valid = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2023-02')}\n`, 'text/csv', ctx.amsterdam);
    expect(valid.status).toBe('accepted');
    expect(await countFacts(ctx)).toBe(baseline.facts + valid.valueCount);
  });
});
