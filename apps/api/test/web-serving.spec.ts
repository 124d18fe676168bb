import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { startTestApp, TestApp } from './test-app';

const BIG_SCRIPT = Buffer.from(Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i};`).join('\n'));

/** GET with an Accept-Encoding of our choosing; the body as sent (not decoded). */
function getRaw(url: string, acceptEncoding: string | null): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', reject);
  });
}

describe('serving the dashboard and boundary files', () => {
  let t: TestApp;
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-web-'));
  const geoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-geo-'));
  beforeAll(async () => {
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Uitkomst</title>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
    // As the dashboard's build leaves them (apps/web/precompress.ts): Brotli and gzip copies beside the file.
    fs.writeFileSync(path.join(webDir, 'assets', 'chart-def456.js'), BIG_SCRIPT);
    fs.writeFileSync(path.join(webDir, 'assets', 'chart-def456.js.br'), zlib.brotliCompressSync(BIG_SCRIPT));
    fs.writeFileSync(path.join(webDir, 'assets', 'chart-def456.js.gz'), zlib.gzipSync(BIG_SCRIPT));
    fs.writeFileSync(path.join(geoDir, 'arbeidsmarktregio_2025.topojson'), '{"type":"Topology"}');
    t = await startTestApp('pglite', { webDir, geoDir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(webDir, { recursive: true, force: true });
    fs.rmSync(geoDir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes', async () => {
    for (const route of ['/', '/vergelijken?metric=outflow_to_work', '/profiel/GM0363']) {
      const res = await fetch(t.url + route);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>Uitkomst</title>');
    }
  });

  it('answers HEAD for the dashboard\'s pages like GET, without a body (uptime checks use it)', async () => {
    for (const route of ['/', '/profiel/GM0363']) {
      const res = await fetch(t.url + route, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toBe('');
    }
  });

  it('serves hashed assets as immutable and leaves unknown API routes to the API', async () => {
    const asset = await fetch(`${t.url}/assets/app-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });

  it('sends the compressed copy of an asset the browser accepts, with the type of the original', async () => {
    const url = `${t.url}/assets/chart-def456.js`;
    const br = await getRaw(url, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(zlib.brotliDecompressSync(br.body).equals(BIG_SCRIPT)).toBe(true);
    const gz = await getRaw(url, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(BIG_SCRIPT)).toBe(true);
    const plain = await getRaw(url, null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(BIG_SCRIPT)).toBe(true);
    expect(br.body.length).toBeLessThan(BIG_SCRIPT.length / 3);
  });

  it('serves boundary files under /geo/', async () => {
    const res = await fetch(`${t.url}/geo/arbeidsmarktregio_2025.topojson`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 'Topology' });
  });

  it('publishes the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/v1/regions', '/api/v1/municipalities', '/api/v1/sites']));
  });
});
