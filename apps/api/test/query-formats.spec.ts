/** Public read API over a published release: formats, HTTP caching and compression, and the release downloads. */
import { tableFromIPC } from 'apache-arrow';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { csvCell, CSV, CSV_EXCEL } from '../src/query/formats';
import { readParquet } from './parquet-reader';
import { addSubmission, baseFacts, call, getJson, parseCsv, publish, ReleaseContext, startReleaseApp } from './releases-setup';

describe('formats, caching and downloads of a published release', () => {
  let ctx: ReleaseContext;
  let release: any;
  const Q = '/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025';

  beforeAll(async () => {
    ctx = await startReleaseApp('pglite');
    await addSubmission(ctx, baseFacts());
    release = await publish(ctx);
  });
  afterAll(() => ctx.t.close());

  describe('formats and caching', () => {
    it('negotiates JSON, CSV and Arrow with the same rows and values', async () => {
      const json = await getJson(ctx, Q);
      const csv = parseCsv(await (await call(ctx, Q, { headers: { accept: 'text/csv' } })).text());
      const res = await call(ctx, Q, { headers: { accept: 'application/vnd.apache.arrow.stream' } });
      expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
      const arrow = tableFromIPC(new Uint8Array(await res.arrayBuffer())).toArray().map((r: any) => r.toJSON());
      expect(csv).toHaveLength(json.length);
      expect(arrow).toHaveLength(json.length);
      json.forEach((row: any, i: number) => {
        expect(arrow[i]).toEqual(row);
        expect(csv[i].unit).toBe(row.unit);
        expect(csv[i].value === '' ? null : Number(csv[i].value)).toBe(row.value);
        expect(csv[i].suppressed).toBe(String(row.suppressed));
      });
    });

    it('writes Excel-friendly CSV (semicolon, decimal comma, BOM) and neutralises formula text but not numbers', async () => {
      const bytes = Buffer.from(await (await call(ctx, `${Q}&unit=GM0363&format=csv-excel`)).arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      const [row] = parseCsv(text, ';');
      const json = (await getJson(ctx, `${Q}&unit=GM0363`))[0];
      expect(row.value).toBe(String(json.value).replace('.', ','));
      expect(csvCell('=HYPERLINK("x")', CSV)).toBe(`"'=HYPERLINK(""x"")"`);
      expect(csvCell('+31', CSV)).toBe("'+31");
      expect(csvCell('@sum', CSV)).toBe("'@sum");
      expect(csvCell('-a', CSV)).toBe("'-a");
      expect(csvCell(-0.5, CSV)).toBe('-0.5');
      expect(csvCell(-0.5, CSV_EXCEL)).toBe('-0,5');
    });

    it('neutralises formula text in downloads (a site named "=...") but keeps negative numbers numeric', async () => {
      for (const format of ['csv', 'csv-excel']) {
        const text = await (await call(ctx, `/api/v1/releases/${release.id}/download?format=${format}&table=sites`)).text();
        expect(text).toContain("'=Wijkteam Diemen");
        expect(text).not.toMatch(/(^|[,;])=Wijkteam/m);
      }
      const again = await (await call(ctx, `/api/v1/releases/${release.id}/download?format=csv&table=sites`)).text();
      expect(fs.existsSync(path.join(ctx.t.config.dataDir, 'export-cache', release.id, 'sites.csv'))).toBe(true);
      expect(again).toContain("'=Wijkteam Diemen");
      const metrics = await (await call(ctx, `/api/v1/releases/${release.id}/download?format=csv&table=metrics&level=site&unit=WT-GM0384-01`)).text();
      expect(metrics).toContain("'=Wijkteam Diemen");
      const withChange = parseCsv(await (await call(ctx, `/api/v1/releases/${release.id}/download?format=csv&table=metrics&grain=year`)).text())
        .filter((r) => r.change !== '' && r.change.startsWith('-'));
      for (const r of withChange) expect(Number.isFinite(Number(r.change))).toBe(true);
    });

    it('gzips answers of 1 KB and more for clients that accept it, as a representation with its own ETag', async () => {
      const raw = (url: string, headers: Record<string, string>) => new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http.get(`${ctx.t.url}${url}`, { headers }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
        }).on('error', reject);
      });
      const url = `/api/v1/metrics?metric=outflow_to_work&release=${release.id}`;
      const plain = await raw(url, {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(1024);
      for (const acceptEncoding of ['gzip', 'gzip, deflate, br']) {
        const gz = await raw(url, { 'accept-encoding': acceptEncoding });
        expect(gz.headers['content-encoding']).toBe('gzip');
        expect(gz.headers.vary).toContain('Accept-Encoding');
        expect(gz.headers.vary).toMatch(/Origin/); // CORS answers differ by origin too
        expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
        expect(gz.body.length).toBeLessThan(plain.body.length / 2);
        expect(gz.headers.etag).not.toBe(plain.headers.etag);
        expect((await raw(url, { 'accept-encoding': acceptEncoding, 'if-none-match': gz.headers.etag! })).status).toBe(304);
      }
      expect((await raw(url, { 'accept-encoding': 'gzip;q=0, br' })).headers['content-encoding']).toBeUndefined();
      expect((await raw(url, { 'if-none-match': plain.headers.etag! })).status).toBe(304);
      const small = await raw(`/api/v1/metrics?metric=outflow_to_work&level=national&period=2025&release=${release.id}`, { 'accept-encoding': 'gzip' });
      expect(small.body.length).toBeLessThan(1024);
      expect(small.headers['content-encoding']).toBeUndefined();
    });

    it('gives release-scoped answers an immutable Cache-Control and latest a short one, with ETag and 304', async () => {
      const scoped = await call(ctx, `${Q}&release=${release.id}`);
      expect(scoped.headers.get('cache-control')).toContain('immutable');
      const etag = scoped.headers.get('etag')!;
      expect(etag).toBeTruthy();
      const again = await call(ctx, `${Q}&release=${release.id}`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      const latest = await call(ctx, Q);
      expect(latest.headers.get('cache-control')).toBe('public, max-age=60');
      expect((await call(ctx, Q, { headers: { 'if-none-match': latest.headers.get('etag')! } })).status).toBe(304);
      const csv = await call(ctx, Q, { headers: { accept: 'text/csv', 'if-none-match': latest.headers.get('etag')! } });
      expect(csv.status).toBe(200); // another representation, another ETag
    });
  });

  describe('exports', () => {
    it('reads back the Parquet, CSV, Arrow and JSON downloads with the same rows and values as the JSON API', async () => {
      const filter = 'metric=outflow_to_work&level=municipality,region,national&clientGroup=all';
      const api = await getJson(ctx, `/api/v1/metrics?${filter}`);
      const key = (r: any) => `${r.level}|${r.unit}|${r.period}`;
      const byKey = new Map(api.map((r: any) => [key(r), r]));
      const pq = new Uint8Array(await (await call(ctx, `/api/v1/releases/${release.id}/download?format=parquet&${filter}`)).arrayBuffer());
      const prow: any[] = await readParquet(pq);
      const csv = parseCsv(await (await call(ctx, `/api/v1/releases/${release.id}/download?format=csv&${filter}`)).text());
      const arrow = tableFromIPC(new Uint8Array(await (await call(ctx, `/api/v1/releases/${release.id}/download?format=arrow&${filter}`)).arrayBuffer())).toArray().map((r: any) => r.toJSON());
      const json = await (await call(ctx, `/api/v1/releases/${release.id}/download?format=json&${filter}`)).json();
      for (const rows of [prow, csv, arrow, json] as any[][]) {
        expect(rows).toHaveLength(api.length);
        for (const r of rows) {
          const a: any = byKey.get(key(r));
          expect(a).toBeDefined();
          const num = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));
          expect(num(r.value)).toBe(a.value);
          expect(num(r.numerator)).toBe(a.numerator);
          expect(num(r.denominator)).toBe(a.denominator);
        }
      }
    });

    it('sends the first download of a whole table while it is written, byte for byte what later downloads get from the cache', async () => {
      for (const format of ['csv', 'csv-excel', 'json']) {
        const url = `/api/v1/releases/${release.id}/download?format=${format}&table=metrics`;
        fs.rmSync(path.join(ctx.t.config.dataDir, 'export-cache', release.id, `metrics.${format}`), { force: true });
        const first = await call(ctx, url);
        expect(first.status).toBe(200);
        expect(first.headers.get('content-length')).toBeNull(); // streamed as DuckDB writes it
        const firstBytes = Buffer.from(await first.arrayBuffer());
        const cached = await call(ctx, url);
        const cachedBytes = Buffer.from(await cached.arrayBuffer());
        expect(Number(cached.headers.get('content-length'))).toBe(cachedBytes.length);
        expect(firstBytes.equals(cachedBytes)).toBe(true);
        expect(firstBytes.length).toBeGreaterThan(10_000);
      }
    });

    it('serves the whole release as a zip of the manifest files and each file byte for byte', async () => {
      const zip = Buffer.from(await (await call(ctx, `/api/v1/releases/${release.id}/download?whole=true`)).arrayBuffer());
      expect(zip.readUInt32LE(0)).toBe(0x04034b50);
      const names: string[] = [];
      for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
        const size = zip.readUInt32LE(at + 18);
        const nameLength = zip.readUInt16LE(at + 26);
        const name = zip.subarray(at + 30, at + 30 + nameLength).toString();
        names.push(name.split('/')[1]);
        const data = zip.subarray(at + 30 + nameLength, at + 30 + nameLength + size);
        const direct = Buffer.from(await (await call(ctx, `/api/v1/releases/${release.id}/files/${name.split('/')[1]}`)).arrayBuffer());
        expect(data.equals(direct)).toBe(true);
        at += 30 + nameLength + size;
      }
      expect(names.sort()).toEqual([...release.manifest.files.map((f: any) => f.name), 'manifest.json'].sort());
      expect((await call(ctx, `/api/v1/releases/${release.id}/files/secrets.txt`)).status).toBe(404);
    });
  });
});
