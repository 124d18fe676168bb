import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, TestApp } from './test-app';

describe('serving the dashboard and boundary files', () => {
  let t: TestApp;
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-web-'));
  const geoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-geo-'));
  beforeAll(async () => {
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Uitkomst</title>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-abc123.js'), 'console.log(1)');
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

  it('serves hashed assets as immutable and leaves unknown API routes to the API', async () => {
    const asset = await fetch(`${t.url}/assets/app-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
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
