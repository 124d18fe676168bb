/**
 * Every route of the API (read from the OpenAPI document) against four callers: anonymous, a submitter of
 * organisation A (ORG-GM0363, partner of WP-AM18-01), a submitter of organisation B (ORG-GM0362, partner of
 * WP-AM18-02) and an administrator. A route missing from the matrix fails the suite, so a new endpoint has to
 * be classified. Writes and admin actions that succeed must leave an audit event.
 */
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { isPublicRead } from '../src/security/public-routes';
import { addSubmission, baseFacts, NO_CONSENT, publish, ReleaseContext, startReleaseApp } from './releases-setup';
import { backends } from './test-app';

type Role = 'anonymous' | 'submitterA' | 'submitterB' | 'admin';
const ROLES: Role[] = ['anonymous', 'submitterB', 'submitterA', 'admin']; // admin last: its writes change state

interface World {
  ctx: ReleaseContext;
  keys: Record<Role, string | null>;
  releaseId: string;
  submissionA: string; // accepted, not released: facts of WP-AM18-01 for 2025-06
  spareKeys: { rotate: string; revoke: string };
}

interface Call { url: string; body?: string; contentType?: string; headers?: Record<string, string> }
interface RouteCase {
  route: string; // "METHOD /openapi/path"
  call: (w: World, role: Role) => Call;
  expect: Record<Role, number>;
  /** The audit action a successful call of this role must record. */
  audit?: Partial<Record<Role, string>>;
  /** Further checks of a role's answer. */
  check?: (w: World, role: Role, body: any) => void | Promise<void>;
}

const PUBLIC = { anonymous: 200, submitterA: 200, submitterB: 200, admin: 200 };
const ADMIN_ONLY = (ok: number) => ({ anonymous: 401, submitterA: 403, submitterB: 403, admin: ok });
const OWNER = { anonymous: 401, submitterA: 200, submitterB: 404, admin: 200 };
const json = (url: string, body: unknown): Call => ({ url, body: JSON.stringify(body), contentType: 'application/json' });
const get = (url: string) => (): Call => ({ url });

const typology = {
  validFrom: '2026-01-01', integrationLevel: 'full', phase: 3, teamModel: null, coLocated: true, jointManagement: true, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
};
const site = { name: 'Werkplein Amstelveen', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0362'], partnerCodes: ['ORG-GM0362', 'UWV-AM18'], startDate: '2016-01-01' };

/** A file of WP-AM18-01 for one month, different per caller so that none is a repeat of another. */
function uploadFor(role: Role): Call {
  const month = { anonymous: '01', submitterB: '02', submitterA: '03', admin: '04' }[role];
  return {
    url: '/api/v1/submissions?wait=60', contentType: 'text/csv',
    body: `site_code,municipality_code,period,client_group,measure,value\nWP-AM18-01,GM0363,2025-${month},ww,clients_start,42\n`,
  };
}

const MATRIX: RouteCase[] = [
  { route: 'GET /api/health', call: get('/api/health'), expect: PUBLIC },
  { route: 'GET /api/v1/regions', call: get('/api/v1/regions'), expect: PUBLIC },
  { route: 'GET /api/v1/municipalities', call: get('/api/v1/municipalities'), expect: PUBLIC },
  { route: 'GET /api/v1/sites', call: get('/api/v1/sites'), expect: PUBLIC },
  { route: 'GET /api/v1/sites/{code}', call: get('/api/v1/sites/WP-AM18-01'), expect: PUBLIC },
  { route: 'GET /api/v1/measures', call: get('/api/v1/measures'), expect: PUBLIC },
  { route: 'GET /api/v1/client-groups', call: get('/api/v1/client-groups'), expect: PUBLIC },
  { route: 'GET /api/v1/submissions/template.csv', call: get('/api/v1/submissions/template.csv'), expect: PUBLIC },
  { route: 'GET /api/v1/metrics', call: get('/api/v1/metrics?metric=outflow_to_work'), expect: PUBLIC, check: (w, _r, rows) => expectReleasedAndConsented(w, rows) },
  { route: 'GET /api/v1/benchmark', call: get('/api/v1/benchmark?metric=outflow_to_work&unit=GM0363'), expect: PUBLIC, check: (w, _r, b) => expectReleasedAndConsented(w, b) },
  { route: 'GET /api/v1/funnel', call: get('/api/v1/funnel?metric=outflow_to_work'), expect: PUBLIC, check: (w, _r, b) => expectReleasedAndConsented(w, b) },
  { route: 'GET /api/v1/trends', call: get('/api/v1/trends?metric=outflow_to_work&unit=GM0363,AM18'), expect: PUBLIC, check: (w, _r, b) => expectReleasedAndConsented(w, b) },
  { route: 'GET /api/v1/typology', call: get('/api/v1/typology?metric=outflow_to_work&dimension=integration_level'), expect: PUBLIC, check: (w, _r, b) => expectReleasedAndConsented(w, b) },
  { route: 'GET /api/v1/profile/{unit}', call: get('/api/v1/profile/GM0363'), expect: PUBLIC, check: (w, _r, b) => expectReleasedAndConsented(w, b) },
  { route: 'GET /api/v1/codebook', call: get('/api/v1/codebook'), expect: PUBLIC },
  { route: 'GET /api/v1/releases', call: get('/api/v1/releases'), expect: PUBLIC },
  { route: 'GET /api/v1/releases/latest', call: get('/api/v1/releases/latest'), expect: PUBLIC },
  { route: 'GET /api/v1/releases/{id}', call: (w) => ({ url: `/api/v1/releases/${w.releaseId}` }), expect: PUBLIC },
  { route: 'GET /api/v1/releases/{id}/download', call: (w) => ({ url: `/api/v1/releases/${w.releaseId}/download?format=json&table=facts` }), expect: PUBLIC,
    check: (w, _r, rows) => expectReleasedAndConsented(w, rows) },
  { route: 'GET /api/v1/releases/{id}/files/{name}', call: (w) => ({ url: `/api/v1/releases/${w.releaseId}/files/manifest.json` }), expect: PUBLIC },
  { route: 'POST /api/v1/releases', call: () => json('/api/v1/releases', { title: 'matrix' }), expect: ADMIN_ONLY(201), audit: { admin: 'release.publish' } },
  // Needs X-Bootstrap-Token, not a key: refused to every caller without it.
  { route: 'POST /api/v1/admin/bootstrap', call: () => ({ url: '/api/v1/admin/bootstrap' }), expect: { anonymous: 401, submitterA: 401, submitterB: 401, admin: 401 } },
  { route: 'GET /api/v1/admin/keys', call: get('/api/v1/admin/keys'), expect: ADMIN_ONLY(200), audit: { admin: 'api_key.list' },
    check: (_w, role, list) => { if (role === 'admin') expect(JSON.stringify(list)).not.toMatch(/"(hash|key)"/); } },
  { route: 'POST /api/v1/admin/keys', call: () => json('/api/v1/admin/keys', { role: 'submitter', organisationCode: 'ORG-GM0384' }), expect: ADMIN_ONLY(201), audit: { admin: 'api_key.create' } },
  { route: 'POST /api/v1/admin/keys/{id}/rotate', call: (w) => ({ url: `/api/v1/admin/keys/${w.spareKeys.rotate}/rotate` }), expect: ADMIN_ONLY(201), audit: { admin: 'api_key.rotate' } },
  { route: 'POST /api/v1/admin/keys/{id}/revoke', call: (w) => ({ url: `/api/v1/admin/keys/${w.spareKeys.revoke}/revoke` }), expect: ADMIN_ONLY(204), audit: { admin: 'api_key.revoke' } },
  { route: 'GET /api/v1/admin/organisations', call: get('/api/v1/admin/organisations'), expect: ADMIN_ONLY(200), audit: { admin: 'organisation.list' } },
  { route: 'PUT /api/v1/admin/organisations/{code}', call: () => json('/api/v1/admin/organisations/ORG-GM0362', { name: 'Gemeente Amstelveen', kind: 'municipality', municipalityCode: 'GM0362' }),
    expect: ADMIN_ONLY(200), audit: { admin: 'organisation.upsert' } },
  { route: 'PUT /api/v1/admin/sites/{code}', call: () => json('/api/v1/admin/sites/WP-AM18-02', site), expect: ADMIN_ONLY(200), audit: { admin: 'site.upsert' } },
  { route: 'POST /api/v1/admin/sites/{code}/typology', call: () => json('/api/v1/admin/sites/WP-AM18-02/typology', typology), expect: ADMIN_ONLY(201), audit: { admin: 'site.typology' } },
  { route: 'POST /api/v1/admin/registry/import', call: () => json('/api/v1/admin/registry/import', { organisations: [{ code: 'ORG-NEW', name: 'Nieuw', kind: 'municipality', municipalityCode: 'GM0362' }], sites: [] }),
    expect: ADMIN_ONLY(201), audit: { admin: 'organisation.upsert' } },
  { route: 'POST /api/v1/admin/municipalities/import', call: () => json('/api/v1/admin/municipalities/import', {
    regions: [{ code: 'AM18', name: 'Groot-Amsterdam' }], provinces: [{ code: 'PV27', name: 'Noord-Holland' }],
    municipalities: [{ code: 'GM0363', name: 'Amsterdam', regionCode: 'AM18', provinceCode: 'PV27', validFrom: '2010-01-01', validTo: null, successorCode: null }],
  }), expect: ADMIN_ONLY(201), audit: { admin: 'municipalities.import' } },
  { route: 'GET /api/v1/admin/reconciliation', call: get('/api/v1/admin/reconciliation'), expect: ADMIN_ONLY(200) },
  // An invalid name: the admin passes authorisation and meets validation, without writing a backup here.
  { route: 'POST /api/v1/admin/backups', call: () => json('/api/v1/admin/backups', { name: '../escape' }), expect: ADMIN_ONLY(400) },
  // B is not a partner of WP-AM18-01: its upload is refused row by row (NOT_PARTNER) and stores nothing.
  { route: 'POST /api/v1/submissions', call: (_w, role) => uploadFor(role), expect: { anonymous: 401, submitterB: 422, submitterA: 201, admin: 201 },
    audit: { submitterA: 'submission.receive', submitterB: 'submission.reject', admin: 'submission.accept' },
    check: (_w, role, body) => { if (role === 'submitterB') expect(body.errors).toEqual([expect.objectContaining({ row: 2, column: 'site_code', code: 'NOT_PARTNER' })]); } },
  { route: 'GET /api/v1/submissions', call: get('/api/v1/submissions?limit=1000'), expect: { anonymous: 401, submitterA: 200, submitterB: 200, admin: 200 },
    check: (w, role, list) => {
      const orgs = new Set(list.map((s: any) => s.organisationCode));
      if (role === 'submitterA') expect([...orgs]).toEqual(['ORG-GM0363']);
      if (role === 'submitterB') expect([...orgs].filter((o) => o !== 'ORG-GM0362')).toEqual([]);
      expect(list.some((s: any) => s.id === w.submissionA)).toBe(role !== 'submitterB');
    } },
  { route: 'GET /api/v1/submissions/{id}', call: (w) => ({ url: `/api/v1/submissions/${w.submissionA}` }), expect: OWNER },
  { route: 'GET /api/v1/submissions/{id}/errors.csv', call: (w) => ({ url: `/api/v1/submissions/${w.submissionA}/errors.csv` }), expect: OWNER },
  { route: 'GET /api/v1/submissions/{id}/facts', call: (w) => ({ url: `/api/v1/submissions/${w.submissionA}/facts` }), expect: OWNER,
    check: (_w, _role, body) => expect(body.facts).toEqual([expect.objectContaining({ site_code: 'WP-AM18-01', period: '2025-06', value: 77 })]) },
  { route: 'GET /api/v1/facts/history', call: get('/api/v1/facts/history?site=WP-AM18-01&period=2025-06'), expect: { anonymous: 401, submitterA: 200, submitterB: 403, admin: 200 },
    check: (_w, _role, body) => expect(body.versions).toEqual([expect.objectContaining({ value: 77 })]) },
];

/** Public answers hold released figures only (nothing of 2025-06, which was never released) and nothing of the municipality without consent. */
function expectReleasedAndConsented(w: World, body: unknown) {
  const text = JSON.stringify(body);
  expect(text).not.toContain(NO_CONSENT);
  expect(text).not.toContain('WT-GM0437-01');
  expect(text).not.toContain('2025-06');
  expect(text).not.toContain(w.submissionA);
}

async function openApiRoutes(url: string): Promise<string[]> {
  const doc: any = await (await fetch(`${url}/api/openapi.json`)).json();
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe.each(backends())('authorisation matrix on %s', (backend) => {
  const w = {} as World;
  let db: DataSource;

  async function send(role: Role, c: Call) {
    const key = w.keys[role];
    const res = await fetch(w.ctx.t.url + c.url, {
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(c.contentType ? { 'content-type': c.contentType } : {}), ...c.headers },
      body: c.body,
    });
    return res;
  }

  const auditCount = async (action: string): Promise<number> => Number((await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = $1`, [action]))[0].n);

  beforeAll(async () => {
    w.ctx = await startReleaseApp(backend);
    db = w.ctx.db;
    const keys = w.ctx.t.app.get(ApiKeysService);
    const issue = async (org: string) => (await keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: org }));
    w.keys = { anonymous: null, submitterA: w.ctx.submitter, submitterB: (await issue('ORG-GM0362')).key, admin: w.ctx.admin };
    w.spareKeys = { rotate: (await issue('ORG-GM0384')).id, revoke: (await issue('ORG-GM0384')).id };
    await addSubmission(w.ctx, baseFacts());
    w.releaseId = (await publish(w.ctx, 'released')).id;
    const res = await fetch(`${w.ctx.t.url}/api/v1/submissions?wait=60`, {
      method: 'POST', headers: { authorization: `Bearer ${w.ctx.submitter}`, 'content-type': 'text/csv' },
      body: 'site_code,municipality_code,period,client_group,measure,value\nWP-AM18-01,GM0363,2025-06,ww,exits_to_work,77\n',
    });
    expect(res.status).toBe(201);
    w.submissionA = ((await res.json()) as any).id;
  });
  afterAll(async () => w.ctx?.t.close());

  it('classifies every route of the API', async () => {
    expect(await openApiRoutes(w.ctx.t.url)).toEqual(MATRIX.map((c) => c.route).sort());
  });

  it('gives the anonymous routes (but health) the public CORS and rate-limit treatment, and no other route', () => {
    for (const c of MATRIX) {
      const [method] = c.route.split(' ');
      const { pathname } = new URL(c.call(w, 'anonymous').url, 'http://x');
      const anonymousRead = method === 'GET' && c.expect.anonymous === 200 && pathname !== '/api/health';
      expect({ route: c.route, public: isPublicRead(method, pathname) }).toEqual({ route: c.route, public: anonymousRead });
    }
  });

  it('lets submitter A write for its own site only, and B not at all for that site', async () => {
    const facts = async () => Number((await w.ctx.t.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values WHERE site_code = 'WP-AM18-02'`))[0].n);
    const before = await facts();
    const res = await fetch(`${w.ctx.t.url}/api/v1/submissions?wait=60`, {
      method: 'POST', headers: { authorization: `Bearer ${w.keys.submitterA}`, 'content-type': 'text/csv' },
      body: 'site_code,municipality_code,period,client_group,measure,value\nWP-AM18-02,GM0362,2025-06,ww,clients_start,5\n',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors).toEqual([expect.objectContaining({ code: 'NOT_PARTNER', column: 'site_code', row: 2 })]);
    expect(await facts()).toBe(before);
  });

  // Before the matrix: its admin call of POST /releases publishes the facts uploaded since.
  it('keeps unreleased facts out of every public answer, for every caller', async () => {
    for (const role of ROLES) {
      const res = await send(role, { url: '/api/v1/metrics?metric=outflow_to_work&period=2025-06' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).parameter).toBe('period');
    }
  });

  it.each(MATRIX.map((c) => [c.route, c] as const))('%s', async (_route, c) => {
    const [method] = c.route.split(' ');
    for (const role of ROLES) {
      const call = c.call(w, role);
      const audited = c.audit?.[role];
      const before = audited ? await auditCount(audited) : 0;
      const res = await fetch(w.ctx.t.url + call.url, {
        method, body: call.body,
        headers: { ...(w.keys[role] ? { authorization: `Bearer ${w.keys[role]}` } : {}), ...(call.contentType ? { 'content-type': call.contentType } : {}) },
      });
      const text = await res.text();
      expect({ role, status: res.status }).toEqual({ role, status: c.expect[role] });
      let body: any = text;
      try { body = JSON.parse(text); } catch { /* CSV */ }
      if (res.status === 401) expect(body.message).toMatch(/Authorization: Bearer <API key> is required|bootstrap needs X-Bootstrap-Token/);
      if (res.status === 403) expect(body.message).toBe(c.expect.submitterA === 403 ? 'this action needs role admin' : 'your organisation is not a partner of site WP-AM18-01');
      if (res.status === 404 && c.route.includes('{id}')) expect(body.message).toMatch(/^submission \S+ not found$/);
      if (audited) expect(await auditCount(audited)).toBeGreaterThan(before);
      if (res.status < 300) await c.check?.(w, role, body);
    }
  });

  it('accepts the bootstrap token only while no admin key exists', async () => {
    process.env.UITKOMST_BOOTSTRAP_TOKEN = 'matrix-token';
    try {
      const res = await fetch(`${w.ctx.t.url}/api/v1/admin/bootstrap`, { method: 'POST', headers: { 'x-bootstrap-token': 'matrix-token' } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as any).message).toMatch(/an active admin key already exists/);
    } finally {
      delete process.env.UITKOMST_BOOTSTRAP_TOKEN;
    }
  });
});
