import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { backends, startTestApp, TestApp } from './test-app';

const typology = (validFrom: string, integrationLevel: string) => ({
  validFrom, integrationLevel, phase: 2, teamModel: null, coLocated: true, jointManagement: false, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
});

describe.each(backends())('registry and keys on %s', (backend) => {
  let t: TestApp;
  let admin: string;
  const json = (res: Response) => res.json() as Promise<any>;
  const call = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(t.url + path, { ...init, headers: { 'content-type': 'application/json', ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...init.headers } });

  beforeAll(async () => {
    t = await startTestApp(backend);
    await runFirstStart(t.app);
    admin = (await t.app.get(ApiKeysService).bootstrapAdmin()).key;
  });
  afterAll(() => t.close());

  it('reports both stores healthy', async () => {
    const res = await call('/api/health');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.postgres).toMatchObject({ status: 'up', embedded: backend === 'pglite' });
    expect(body.duckdb.status).toBe('up');
  });

  it('lists the 35 labour-market regions and the 342 current municipalities', async () => {
    const regions = await json(await call('/api/v1/regions'));
    expect(regions).toHaveLength(35);
    expect(regions.find((r: any) => r.code === 'AM18')).toMatchObject({ municipalities: 8 });
    expect(regions.map((r: any) => r.code)).not.toContain('AM04');
    const municipalities = await json(await call('/api/v1/municipalities'));
    expect(municipalities).toHaveLength(342);
    expect(municipalities.find((m: any) => m.code === 'GM0363')).toMatchObject({ name: 'Amsterdam', regionCode: 'AM18', provinceCode: 'PV27', validTo: null });
  });

  it('keeps merged municipalities with their successor', async () => {
    const all = await json(await call('/api/v1/municipalities?historic=true'));
    expect(all.length).toBeGreaterThan(342);
    expect(all.find((m: any) => m.code === 'GM0003')).toMatchObject({ name: 'Appingedam', validTo: '2020-12-31', successorCode: 'GM1979' });
    expect((await call('/api/v1/municipalities?region=XX')).status).toBe(400);
  });

  it('refuses admin writes without a key, with a bad key and with a submitter key', async () => {
    const org = { name: 'Gemeente Amsterdam', kind: 'municipality', municipalityCode: 'GM0363' };
    expect((await call('/api/v1/admin/organisations/ORG-GM0363', { method: 'PUT', body: JSON.stringify(org) })).status).toBe(401);
    expect((await call('/api/v1/admin/organisations/ORG-GM0363', { method: 'PUT', body: JSON.stringify(org), key: 'uk_000000000000_' + 'x'.repeat(32) })).status).toBe(401);
    await call('/api/v1/admin/organisations/ORG-GM0363', { method: 'PUT', body: JSON.stringify(org), key: admin });
    const sub = await json(await call('/api/v1/admin/keys', { method: 'POST', body: JSON.stringify({ role: 'submitter', organisationCode: 'ORG-GM0363' }), key: admin }));
    const res = await call('/api/v1/admin/organisations/ORG-GM0363', { method: 'PUT', body: JSON.stringify(org), key: sub.key });
    expect(res.status).toBe(403);
  });

  it('registers organisations and a site with dated typology, and audits it', async () => {
    await call('/api/v1/admin/organisations/UWV-AM18', { method: 'PUT', key: admin, body: JSON.stringify({ name: 'UWV Groot-Amsterdam', kind: 'uwv_region', regionCode: 'AM18' }) });
    const site = {
      name: 'Werkplein Amsterdam', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0363'],
      partnerCodes: ['UWV-AM18', 'ORG-GM0363'], startDate: '2012-03-01', typology: [typology('2012-03-01', 'limited')],
    };
    const put = await call('/api/v1/admin/sites/WP-AM18-01', { method: 'PUT', key: admin, body: JSON.stringify(site) });
    expect(put.status).toBe(200);
    const added = await call('/api/v1/admin/sites/WP-AM18-01/typology', { method: 'POST', key: admin, body: JSON.stringify(typology('2019-01-01', 'full')) });
    expect(added.status).toBe(201);
    const sites = await json(await call('/api/v1/sites?region=AM18'));
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatchObject({ code: 'WP-AM18-01', municipalities: ['GM0363'], partners: ['ORG-GM0363', 'UWV-AM18'] });
    expect(sites[0].typology.map((x: any) => [x.validFrom, x.integrationLevel])).toEqual([['2012-03-01', 'limited'], ['2019-01-01', 'full']]);
    expect(sites[0].currentTypology.integrationLevel).toBe('full');
    const events = await t.app.get(DataSource).query(`SELECT action, details FROM audit_events WHERE target_id = 'WP-AM18-01' ORDER BY id`);
    expect(events.map((e: any) => e.action)).toEqual(['site.typology', 'site.upsert', 'site.typology']);
  });

  it('rejects an invalid site with every problem named', async () => {
    const res = await call('/api/v1/admin/sites/WP-BAD', { method: 'PUT', key: admin, body: JSON.stringify({ name: '', kind: 'office', regionCode: 'AM18', municipalityCodes: [], partnerCodes: ['X'], startDate: '2012-13' }) });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.details.map((d: any) => d.field).sort()).toEqual(['kind', 'municipalityCodes', 'name', 'startDate']);
    const unknown = await call('/api/v1/admin/sites/WP-AM18-02', { method: 'PUT', key: admin, body: JSON.stringify({ name: 'x', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM9999'], partnerCodes: ['UWV-AM18'], startDate: '2012-01-01' }) });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toMatch(/GM9999/);
    expect(await json(await call('/api/v1/sites?region=AM18'))).toHaveLength(1);
  });

  it('creates, lists, rotates and revokes keys; a key is shown once and stored only as a hash', async () => {
    const created = await json(await call('/api/v1/admin/keys', { method: 'POST', key: admin, body: JSON.stringify({ role: 'submitter', organisationCode: 'ORG-GM0363', label: 'test' }) }));
    expect(created.key).toMatch(/^uk_[0-9a-f]{12}_/);
    const list = await json(await call('/api/v1/admin/keys', { key: admin }));
    expect(JSON.stringify(list)).not.toContain(created.key);
    const [{ hash }] = await t.app.get(DataSource).query('SELECT hash FROM api_keys WHERE id = $1', [created.id]);
    expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(hash).not.toContain(created.key);
    const rotated = await json(await call(`/api/v1/admin/keys/${created.id}/rotate`, { method: 'POST', key: admin }));
    expect(rotated.key).not.toBe(created.key);
    expect(await t.app.get(ApiKeysService).authenticate(created.key)).toBeNull();
    expect(await t.app.get(ApiKeysService).authenticate(rotated.key)).toMatchObject({ role: 'submitter', organisationCode: 'ORG-GM0363' });
    expect((await call(`/api/v1/admin/keys/${rotated.id}/revoke`, { method: 'POST', key: admin })).status).toBe(204);
    expect(await t.app.get(ApiKeysService).authenticate(rotated.key)).toBeNull();
    const actions = (await t.app.get(DataSource).query(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY id`, [created.id])).map((r: any) => r.action);
    expect(actions).toEqual(['api_key.create', 'api_key.rotate', 'api_key.revoke']);
  });

  it('refuses a second bootstrap once an admin key exists', async () => {
    await expect(t.app.get(ApiKeysService).bootstrapAdmin()).rejects.toThrow(/already exists/);
  });

  it('imports a new CBS list with a merger and maps the old code to the successor', async () => {
    const body = {
      regions: [{ code: 'AM18', name: 'Groot-Amsterdam' }], provinces: [{ code: 'PV27', name: 'Noord-Holland' }],
      municipalities: [
        { code: 'GM0363', name: 'Amsterdam', regionCode: 'AM18', provinceCode: 'PV27', validFrom: '2010-01-01', validTo: null, successorCode: null },
        { code: 'GM0437', name: 'Ouder-Amstel', regionCode: 'AM18', provinceCode: 'PV27', validFrom: '2010-01-01', validTo: '2026-12-31', successorCode: 'GM0363' },
      ],
    };
    const res = await call('/api/v1/admin/municipalities/import', { method: 'POST', key: admin, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    const historic = await json(await call('/api/v1/municipalities?historic=true&region=AM18'));
    expect(historic.find((m: any) => m.code === 'GM0437')).toMatchObject({ validTo: '2026-12-31', successorCode: 'GM0363' });
  });
});
