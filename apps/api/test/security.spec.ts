/**
 * Security headers, CORS, rate limits, error bodies and API key storage, against real apps (with low limits
 * and CORS origins set through config overrides) and, for the pure parts, directly.
 */
import { InternalServerErrorException } from '@nestjs/common';
import helmet from 'helmet';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { QueryFailedError } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { isDatabaseUnavailable } from '../src/common/database-unavailable';
import { errorAnswer } from '../src/common/api-exception.filter';
import { parseOrigins } from '../src/config';
import { RegistryService } from '../src/registry/registry.service';
import { clientKey, FixedWindowLimiter } from '../src/security/rate-limiter';
import { HELMET_OPTIONS, helmetHeaders } from '../src/security/security-headers';
import { IngestionContext, startIngestionApp, WIDE_HEADER, wideRow } from './ingestion-setup';
import { startTestApp, TestApp } from './test-app';

const EVIL = 'https://evil.example';
const TRUSTED = 'https://dashboard.example.nl';

describe('security headers', () => {
  let t: TestApp;
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-web-'));
  beforeAll(async () => {
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Uitkomst</title><script type="module" src="/assets/app.js"></script>');
    t = await startTestApp('pglite', { webDir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it.each(['/', '/api/v1/regions', '/api/docs', '/api/nothing-here'])('sends helmet headers and a same-origin CSP on %s', async (route) => {
    const res = await fetch(t.url + route);
    const csp = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(csp).toMatchObject({
      'default-src': ["'self'"], 'script-src': ["'self'"], 'connect-src': ["'self'"], 'object-src': ["'none'"], 'frame-ancestors': ["'none'"],
      'img-src': ["'self'", 'data:', 'blob:'], 'style-src': ["'self'", "'unsafe-inline'"],
    });
    expect(Object.values(csp).flat().filter((v) => /^https?:|^\*$/.test(v as string))).toEqual([]);
    expect(csp).not.toHaveProperty('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('sends every header that helmet itself sets, with its value, though it is precomputed', async () => {
    // helmet run on a real response of its own, not through our recorder
    const own = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const server = http.createServer((req, res) => helmet(HELMET_OPTIONS)(req, res, () => {
        resolve(res.getHeaders());
        res.end();
      }));
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as import('node:net').AddressInfo;
        fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(reject).finally(() => server.close());
      });
    });
    expect(Object.keys(own).length).toBeGreaterThanOrEqual(10);
    const res = await fetch(`${t.url}/api/v1/regions`);
    for (const [name, value] of Object.entries(own)) {
      // CORS may open the resource policy of public reads (see cors.ts); everything else is helmet's own value
      if (name === 'cross-origin-resource-policy') continue;
      expect([name, res.headers.get(name)]).toEqual([name, String(value)]);
    }
    expect(helmetHeaders().map(([name]) => name.toLowerCase()).sort()).toEqual(Object.keys(own).sort());
  });

  it('serves Swagger UI with scripts from its own origin only, which the CSP allows', async () => {
    const html = await (await fetch(`${t.url}/api/docs`)).text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src=["']\.?\/?[^"':]+["']/); // relative: this origin
      expect(body.trim()).toBe('');
    }
    const init = scripts.map(([, attrs]) => /src=["']([^"']+)["']/.exec(attrs)![1]).find((s) => s.includes('swagger-ui-init'))!;
    expect((await fetch(new URL(init, `${t.url}/api/docs/`))).status).toBe(200);
  });

  it('builds the dashboard without inline scripts (script-src \'self\')', () => {
    const index = fs.readFileSync(path.join(__dirname, '../../web/index.html'), 'utf8');
    for (const [, attrs] of index.matchAll(/<script([^>]*)>/g)) expect(attrs).toMatch(/\ssrc=/);
  });
});

describe('CORS', () => {
  let open: TestApp;
  let strict: TestApp;
  beforeAll(async () => {
    open = await startTestApp('pglite', { corsOrigins: [TRUSTED] });
    strict = await startTestApp('pglite', { corsPublicReads: false });
  });
  afterAll(async () => {
    await open.close();
    await strict.close();
  });

  const preflight = (t: TestApp, route: string, origin: string, method: string, headers = '') => fetch(t.url + route, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
  });

  it('lets any origin read public endpoints, without credentials or Authorization', async () => {
    const res = await fetch(`${open.url}/api/v1/regions`, { headers: { origin: EVIL } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    const pre = await preflight(open, '/api/v1/metrics', EVIL, 'GET', 'authorization,if-none-match');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(pre.headers.get('access-control-allow-headers')!.toLowerCase().split(', ')).toEqual(['accept', 'if-none-match']);
  });

  it('gives other origins nothing on private endpoints and refuses their preflights', async () => {
    for (const [route, method] of [['/api/v1/submissions', 'POST'], ['/api/v1/admin/keys', 'GET'], ['/api/v1/releases', 'POST'], ['/api/v1/admin/organisations/X', 'PUT']]) {
      const pre = await preflight(open, route, EVIL, method, 'authorization,content-type');
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(((await pre.json()) as any).message).toMatch(/^origin https:\/\/evil\.example may not call this endpoint from a browser/);
    }
    const res = await fetch(`${open.url}/api/v1/submissions`, { headers: { origin: EVIL } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a configured origin call every endpoint with Authorization', async () => {
    const pre = await preflight(open, '/api/v1/submissions', TRUSTED, 'POST', 'authorization,content-type');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(TRUSTED);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('vary')).toMatch(/Origin/);
    const res = await fetch(`${open.url}/api/v1/submissions`, { headers: { origin: TRUSTED } });
    expect(res.headers.get('access-control-allow-origin')).toBe(TRUSTED);
  });

  it('can close public reads to other origins (CORS_PUBLIC_READS=false)', async () => {
    const res = await fetch(`${strict.url}/api/v1/regions`, { headers: { origin: EVIL } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(strict, '/api/v1/metrics', EVIL, 'GET')).status).toBe(403);
  });

  it('accepts only exact origins in CORS_ORIGINS', () => {
    expect(parseOrigins(' https://a.example , http://localhost:5173/ ')).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(parseOrigins(undefined)).toEqual([]);
    for (const bad of ['*', 'https://*.example', 'a.example', 'https://a.example/path']) expect(() => parseOrigins(bad)).toThrow(/exact origins/);
  });
});

describe('rate limits', () => {
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp('pglite', { rateLimitPublicPerMinute: 3, rateLimitUploadsPerMinute: 2 }); });
  afterAll(async () => ctx.t.close());

  const csv = (month: string) => `${WIDE_HEADER}\n${wideRow(`2022-${month}`)}\n`;
  const post = (key: string | null, body: string) => fetch(`${ctx.t.url}/api/v1/submissions`, {
    method: 'POST', headers: { 'content-type': 'text/csv', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body,
  });
  const submissions = async () => Number((await ctx.db.query(`SELECT count(*)::int AS n FROM submissions`))[0].n);

  it('answers 429 with Retry-After after the public limit per client address', async () => {
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${ctx.t.url}/api/v1/regions`);
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    // A forwarded address is not believed without TRUST_PROXY: it cannot buy a fresh allowance.
    const res = await fetch(`${ctx.t.url}/api/v1/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await res.json()).toEqual({
      statusCode: 429, error: 'Too Many Requests', limit: 'public',
      message: `rate limit exceeded for public reads: at most 3 requests per minute from one client address; retry after ${retryAfter} s`,
    });
  });

  it('does not count health checks or authenticated calls against the public limit', async () => {
    expect((await fetch(`${ctx.t.url}/api/health`)).status).toBe(200);
    const own = await fetch(`${ctx.t.url}/api/v1/submissions`, { headers: { authorization: `Bearer ${ctx.amsterdam}` } });
    expect(own.status).toBe(200);
  });

  /** Waits for the validation of an accepted upload, so that the app closes with no work in flight. */
  const settled = async (res: Response, key: string) => {
    expect(res.status).toBe(202);
    expect((await fetch(`${ctx.t.url}${res.headers.get('location')}?wait=60`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  };

  it('limits uploads per API key: 429 with Retry-After, nothing received, other keys unaffected', async () => {
    expect((await post(null, csv('01'))).status).toBe(401); // refused before it counts against anyone
    await settled(await post(ctx.amsterdam, csv('01')), ctx.amsterdam);
    await settled(await post(ctx.amsterdam, csv('02')), ctx.amsterdam);
    const before = await submissions();
    const third = await post(ctx.amsterdam, csv('03'));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await third.json()) as any)).toMatchObject({ limit: 'uploads', message: expect.stringMatching(/^rate limit exceeded for uploads: at most 2 uploads per minute with one API key; retry after \d+ s$/) });
    expect(await submissions()).toBe(before);
    await settled(await post(ctx.uwv, csv('04')), ctx.uwv);
  });
});

describe('rate limits behind a reverse proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp('pglite', { rateLimitPublicPerMinute: 1, trustProxy: 'loopback' }); });
  afterAll(async () => t.close());

  it('counts each forwarded client address apart', async () => {
    const from = (address: string) => fetch(`${t.url}/api/v1/regions`, { headers: { 'x-forwarded-for': address } });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.2')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(429);
  });
});

describe('the rate limiter', () => {
  it('counts per key in fixed windows and says when the window ends', () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter(2, 60_000, () => now);
    expect(limiter.hit('a')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
    now += 15_500;
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 45 });
    expect(limiter.hit('b').allowed).toBe(true);
    now += 44_500;
    expect(limiter.hit('a')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
  });

  it('is off at 0 and never holds more than its maximum of keys', () => {
    expect(new FixedWindowLimiter(0).enabled).toBe(false);
    let now = 0;
    const limiter = new FixedWindowLimiter(1, 60_000, () => now, 100);
    for (let i = 0; i < 1000; i++) limiter.hit(`client-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    now += 60_000;
    limiter.hit('fresh');
    expect(limiter.size).toBe(1);
  });

  it('treats an IPv6 /64 as one client and IPv4-mapped addresses as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('error bodies', () => {
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp('pglite'); });
  afterAll(async () => ctx.t.close());
  afterEach(() => jest.restoreAllMocks());

  const organisations = () => fetch(`${ctx.t.url}/api/v1/admin/organisations`, { headers: { authorization: `Bearer ${ctx.admin}` } });

  it('hides unexpected errors behind a generic 500 with a reference: no stack, SQL or path', async () => {
    const secret = new Error(`relation "api_keys" does not exist: SELECT hash FROM api_keys WHERE prefix = 'x' (${ctx.t.config.dataDir}/warehouse.duckdb)`);
    jest.spyOn(ctx.t.app.get(RegistryService), 'listOrganisations').mockRejectedValue(secret);
    const res = await organisations();
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', reference: expect.stringMatching(/^[0-9a-f-]{36}$/), message: `an unexpected error occurred; it has been logged with reference ${body.reference}` });
    expect(text).not.toMatch(/SELECT|api_keys|warehouse|\/tmp|\bat\s/);
  });

  it('shows no driver message even when a 500 is raised on purpose', () => {
    const a = errorAnswer(new InternalServerErrorException('the metrics build failed: Binder Error: SELECT * FROM "main"."secret" /srv/data'));
    expect(a.status).toBe(500);
    expect(a.body.message).toMatch(/^an unexpected error occurred/);
    expect(JSON.stringify(a.body)).not.toMatch(/SELECT|secret|\/srv/);
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['an administrator shutdown (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection reset inside a TypeORM QueryFailedError', new QueryFailedError('SELECT 1', [], Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))],
    ['a terminated pool connection', new Error('Connection terminated unexpectedly')],
  ])('answers 503 with Retry-After when the registry database is lost: %s', async (_what, err) => {
    jest.spyOn(ctx.t.app.get(RegistryService), 'listOrganisations').mockRejectedValue(err);
    const res = await organisations();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'the registry database is unavailable' });
  });

  it('recognises lost-database errors, and only those', () => {
    const pg = (code: string) => Object.assign(new Error('x'), { code });
    for (const err of [pg('ECONNREFUSED'), pg('57P02'), pg('57P03'), pg('08006'), pg('08P01'), new Error('Driver not Connected'), new Error('Cannot use a pool after calling end on the pool'),
      Object.assign(new AggregateError([pg('ECONNREFUSED')], 'x'), {}), { driverError: pg('ECONNRESET') }, new Error('wrapped', { cause: new Error('Connection terminated') })]) {
      expect(isDatabaseUnavailable(err)).toBe(true);
    }
    for (const err of [pg('23505'), pg('42P01'), new Error('Binder Error: column "x" not found'), new Error('Connection Error: Connection already closed'), null, 'ECONNREFUSED', {}]) {
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
  });

  it('answers unknown routes, bad JSON and missing keys as JSON, keeping the fields of deliberate errors', async () => {
    const unknown = await fetch(`${ctx.t.url}/api/v1/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/nothing' });
    const bad = await fetch(`${ctx.t.url}/api/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ctx.admin}`, 'content-type': 'application/json' }, body: '{"role":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toMatch(/^the request body is not valid JSON: /);
    const invalid = await fetch(`${ctx.t.url}/api/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ctx.admin}`, 'content-type': 'application/json' }, body: '{"role":"root"}' });
    expect(await invalid.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'invalid body', details: [expect.objectContaining({ field: 'role' })] });
    const noKey = await fetch(`${ctx.t.url}/api/v1/admin/keys`);
    expect(await noKey.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Authorization: Bearer <API key> is required' });
  });
});

describe('API keys', () => {
  let ctx: IngestionContext;
  let keys: ApiKeysService;
  beforeAll(async () => {
    ctx = await startIngestionApp('pglite');
    keys = ctx.t.app.get(ApiKeysService);
  });
  afterAll(async () => ctx.t.close());

  const stored = async (id: string): Promise<string> => (await ctx.db.query(`SELECT hash FROM api_keys WHERE id = $1`, [id]))[0].hash;
  const issue = () => keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: 'ORG-GM0363' });
  const status = async (key: string) => (await fetch(`${ctx.t.url}/api/v1/submissions`, { headers: { authorization: `Bearer ${key}` } })).status;

  it('stores a salted scrypt hash with its parameters, never the key', async () => {
    const [a, b] = [await issue(), await issue()];
    const [ha, hb] = [await stored(a.id), await stored(b.id)];
    for (const [h, k] of [[ha, a.key], [hb, b.key]]) {
      expect(h).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      const secret = k.split('_').slice(2).join('_'); // uk_<prefix>_<secret>; the base64url secret may itself hold '_'
      expect(secret.length).toBe(32);
      expect(h).not.toContain(secret);
    }
    expect(ha.split('$')[4]).not.toBe(hb.split('$')[4]);
    expect(await keys.authenticate(a.key)).toMatchObject({ id: a.id, role: 'submitter' });
    expect(await keys.authenticate(`${a.key.slice(0, -1)}${a.key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
  });

  it('still accepts a key stored as SHA-256 before scrypt, and rehashes it on use', async () => {
    const legacy = await issue();
    await ctx.db.query(`UPDATE api_keys SET hash = $2 WHERE id = $1`, [legacy.id, createHash('sha256').update(legacy.key).digest('hex')]);
    expect(await status(legacy.key)).toBe(200);
    for (let i = 0; i < 50 && !(await stored(legacy.id)).startsWith('scrypt$'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await stored(legacy.id)).toMatch(/^scrypt\$/);
    expect(await status(legacy.key)).toBe(200);
  });

  it('remembers a successful authentication briefly, and forgets it at once on revocation', async () => {
    const k = await issue();
    expect(await status(k.key)).toBe(200);
    // Revoked behind the service's back: the cached authentication still holds (so it is not recomputed per request) ...
    await ctx.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [k.id]);
    expect(await status(k.key)).toBe(200);
    await ctx.db.query(`UPDATE api_keys SET revoked_at = NULL WHERE id = $1`, [k.id]);
    // ... while a revocation through the API takes effect on the next request.
    expect((await fetch(`${ctx.t.url}/api/v1/admin/keys/${k.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${ctx.admin}` } })).status).toBe(204);
    expect(await status(k.key)).toBe(401);
  });

  it('rotates: the new key is shown once and works, the old one stops at once', async () => {
    const k = await issue();
    expect(await status(k.key)).toBe(200);
    const res = await fetch(`${ctx.t.url}/api/v1/admin/keys/${k.id}/rotate`, { method: 'POST', headers: { authorization: `Bearer ${ctx.admin}` } });
    expect(res.status).toBe(201);
    const rotated: any = await res.json();
    expect(await status(k.key)).toBe(401);
    expect(await status(rotated.key)).toBe(200);
    const list = await (await fetch(`${ctx.t.url}/api/v1/admin/keys`, { headers: { authorization: `Bearer ${ctx.admin}` } })).text();
    expect(list).not.toContain(rotated.key);
    expect(list).not.toContain('scrypt$');
    const actions = (await ctx.db.query(`SELECT action, details FROM audit_events WHERE target_id = $1 ORDER BY id`, [k.id])).map((r: any) => r.action);
    expect(actions).toEqual(['api_key.create', 'api_key.rotate', 'api_key.revoke']);
  });
});
