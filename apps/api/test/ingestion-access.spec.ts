import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { runSubmit } from '../src/cli/submit-command';
import { backends } from './test-app';
import { countFacts, fixture, get, IngestionContext, startIngestionApp, submit, upload, WIDE_HEADER, wideRow } from './ingestion-setup';

/** POST with a streamed (chunked, no Content-Length) body. */
function postChunked(url: string, key: string, chunks: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe.each(backends())('access, limits and concurrency on %s', (backend) => {
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp(backend, { maxUploadBytes: 4096 }); });
  afterAll(() => ctx.t.close());

  it('needs a key: 401 without one or with an unknown one', async () => {
    const res = await fetch(`${ctx.t.url}/api/v1/submissions`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: fixture('wide.csv') });
    expect(res.status).toBe(401);
    expect((await upload(ctx, fixture('wide.csv'), 'text/csv', 'uk_000000000000_' + 'x'.repeat(32))).status).toBe(401);
    expect((await get(ctx, '/api/v1/submissions')).status).toBe(401);
  });

  it('rejects rows for a site the organisation is not a partner of, and changes no fact', async () => {
    const before = await countFacts(ctx);
    const done = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2024-01', 'ww', 'WT-GM1979-01', 'GM1979')}\n${wideRow('2024-01')}\n`, 'text/csv', ctx.amsterdam);
    expect(done.status).toBe('rejected');
    expect(done.errors.map((e: any) => [e.row, e.column, e.code])).toEqual([[2, 'site_code', 'NOT_PARTNER']]);
    expect(await countFacts(ctx)).toBe(before);
    const asAdmin = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2024-01', 'ww', 'WT-GM1979-01', 'GM1979')}\n${wideRow('2024-01')}\n`, 'text/csv', ctx.admin);
    expect(asAdmin.status).toBe('accepted');
  });

  it('hides a submission from other organisations (404) but shows it to admin', async () => {
    const done = await submit(ctx, `${WIDE_HEADER}\n${wideRow('2024-02')}\n`, 'text/csv', ctx.amsterdam);
    for (const suffix of ['', '/errors.csv', '/facts']) {
      expect((await get(ctx, `/api/v1/submissions/${done.id}${suffix}`, ctx.eemsdelta)).status).toBe(404);
      expect((await get(ctx, `/api/v1/submissions/${done.id}${suffix}`, ctx.admin)).status).toBe(200);
    }
    expect((await get(ctx, '/api/v1/submissions', ctx.eemsdelta)).body.map((s: any) => s.id)).not.toContain(done.id);
    expect((await get(ctx, '/api/v1/submissions/not-a-uuid', ctx.admin)).status).toBe(400);
  });

  it('answers 413 above the configured size limit, whether the size is declared, streamed or in a multipart body', async () => {
    const big = `${WIDE_HEADER}\n${Array.from({ length: 60 }, (_, i) => wideRow(`20${10 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)).join('\n')}\n`;
    expect(big.length).toBeGreaterThan(4096);
    const before = (await get(ctx, '/api/v1/submissions?limit=1000', ctx.admin)).body.length;
    const declared = await upload(ctx, big, 'text/csv', ctx.amsterdam);
    expect(declared.status).toBe(413);
    expect(await postChunked(ctx.t.url, ctx.amsterdam, big.match(/[\s\S]{1,1000}/g)!)).toBe(413);
    const form = new FormData();
    form.append('file', new Blob([big], { type: 'text/csv' }), 'big.csv');
    expect((await fetch(`${ctx.t.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${ctx.amsterdam}` }, body: form })).status).toBe(413);
    expect((await get(ctx, '/api/v1/submissions?limit=1000', ctx.admin)).body.length).toBe(before);
    expect(fs.readdirSync(path.join(ctx.t.config.dataDir, 'uploads'))).toEqual([]);
  });

  it('queues concurrent uploads: every one completes', async () => {
    const before = await countFacts(ctx);
    const files = Array.from({ length: 8 }, (_, i) => `${WIDE_HEADER}\n${wideRow(`2019-${String(i + 1).padStart(2, '0')}`)}\n${wideRow(`2019-${String(i + 1).padStart(2, '0')}`, 'overig')}\n`);
    const keys = [ctx.amsterdam, ctx.uwv];
    const done = await Promise.all(files.map((f, i) => submit(ctx, f, 'text/csv', keys[i % 2])));
    expect(done.map((d) => d.status)).toEqual(Array(8).fill('accepted'));
    expect(await countFacts(ctx)).toBe(before + 8 * 2 * 15);
  });

  it('submits from the CLI, follows progress and prints errors', async () => {
    const dir = fs.mkdtempSync(path.join(ctx.t.config.dataDir, 'cli-'));
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, `${WIDE_HEADER}\n${wideRow('2018-01')}\n`);
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l) };
    expect(await runSubmit({ positional: [good], flags: { key: ctx.amsterdam, url: ctx.t.url } }, out)).toBe(0);
    expect(lines.join('\n')).toMatch(/status: accepted; 1 rows, 15 values, 0 errors/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify([{ site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2018-02', client_group: 'ww', measure: 'clients_start', value: 'many' }]));
    lines.length = 0;
    expect(await runSubmit({ positional: [bad], flags: { key: ctx.amsterdam, url: ctx.t.url } }, out)).toBe(1);
    expect(lines.join('\n')).toMatch(/status: rejected/);
    expect(lines.join('\n')).toMatch(/row 1, value: NOT_A_NUMBER/);
  });
});
