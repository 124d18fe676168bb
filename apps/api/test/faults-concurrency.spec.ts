/**
 * 50 submissions from 10 organisations sent at once, many of them for the same keys (one site shared by all
 * ten partners), in both layouts. All must be accepted, no request may fail, and the result must be what
 * applying them one by one in their order of acceptance gives: current values, supersession links and the
 * bookkeeping of every submission (superseded values, status, superseded by).
 */
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { applyInOrder, currentFacts, http, keyOf, longCsv, measuresFor, Value } from './faults-setup';
import { backends, startTestApp, TestApp } from './test-app';

const MUNICIPALITIES = ['GM0358', 'GM0362', 'GM0363', 'GM0384', 'GM0394', 'GM0437', 'GM0451', 'GM0736'];
const ORGS = [...MUNICIPALITIES.map((m) => `ORG-${m}`), 'UWV-AM18', 'ISD-AM18'];
const SHARED = 'WP-AM18-01';
const OWN = 'WT-GM0363-01';
const PERIODS = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];
const GROUPS = ['ww', 'bijstand_kort'];
const WIDE_MEASURES = Object.keys(measuresFor(0));
const LONG_MEASURES = ['clients_start', 'clients_new', 'joint_plans'];

const typology = {
  validFrom: '2012-01-01', integrationLevel: 'partial', phase: 2, teamModel: null, coLocated: true, jointManagement: false, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
};
const REGISTRY = {
  organisations: [
    ...MUNICIPALITIES.map((m) => ({ code: `ORG-${m}`, name: `Gemeente ${m}`, kind: 'municipality', municipalityCode: m })),
    { code: 'UWV-AM18', name: 'UWV Groot-Amsterdam', kind: 'uwv_region', regionCode: 'AM18' },
    { code: 'ISD-AM18', name: 'Sociale dienst Amstelland', kind: 'intermunicipal_service', regionCode: 'AM18' },
  ],
  sites: [
    { code: SHARED, name: 'Werkplein Groot-Amsterdam', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: MUNICIPALITIES, partnerCodes: ORGS, startDate: '2012-01-01', typology: [typology] },
    { code: OWN, name: 'Wijkteam Amsterdam', kind: 'wijkteam', regionCode: 'AM18', municipalityCodes: ['GM0363'], partnerCodes: ['ORG-GM0363', 'UWV-AM18'], startDate: '2012-01-01', typology: [typology] },
  ],
};

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface Planned { index: number; org: string; layout: 'wide' | 'long'; values: Value[]; csv: string }

/** Submission k: organisation k % 10, 6-12 keys of the shared site (so most keys are sent by several organisations), values unique to k. */
function plan(): Planned[] {
  const rnd = random(20261122);
  const keys = MUNICIPALITIES.flatMap((m) => PERIODS.flatMap((p) => GROUPS.map((g) => ({ site: SHARED, municipality: m, period: p, group: g }))));
  return Array.from({ length: 50 }, (_, index) => {
    const org = ORGS[index % ORGS.length];
    const layout = index % 3 === 2 ? 'long' : 'wide';
    const picked = new Set<number>();
    const count = 6 + Math.floor(rnd() * 7);
    while (picked.size < count) picked.add(Math.floor(rnd() * keys.length));
    const chosen = [...picked].map((i) => keys[i]);
    if (org === 'ORG-GM0363' || org === 'UWV-AM18') chosen.push({ site: OWN, municipality: 'GM0363', period: PERIODS[index % PERIODS.length], group: 'ww' });
    const values: Value[] = [];
    const lines: string[] = [];
    chosen.forEach((k, j) => {
      const m = measuresFor(index * 13 + j);
      m.clients_start = 1000 * (index + 1) + j; // unique per submission and key
      const measures = layout === 'wide' ? WIDE_MEASURES : LONG_MEASURES;
      for (const measure of measures) values.push({ ...k, measure, value: m[measure] });
      if (layout === 'wide') lines.push([k.site, k.municipality, k.period, k.group, ...measures.map((x) => m[x])].join(','));
    });
    const csv = layout === 'wide'
      ? [`site_code,municipality_code,period,client_group,${WIDE_MEASURES.join(',')}`, ...lines].join('\n') + '\n'
      : longCsv(values);
    return { index, org, layout, values, csv };
  });
}

describe.each(backends())('50 concurrent submissions from 10 organisations on %s', (backend) => {
  let t: TestApp;
  const keys = new Map<string, string>();
  let admin: string;
  const planned = plan();
  const ids: string[] = [];
  const statuses: number[] = [];
  let finals: any[] = [];

  beforeAll(async () => {
    t = await startTestApp(backend);
    await runFirstStart(t.app);
    const service = t.app.get(ApiKeysService);
    admin = (await service.bootstrapAdmin()).key;
    const imported = await http(t.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY });
    expect(imported.status).toBeLessThan(300);
    for (const org of ORGS) keys.set(org, (await service.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: org })).key);

    const posted = await Promise.all(planned.map((p) => http(t.url, 'POST', '/api/v1/submissions', { key: keys.get(p.org), body: p.csv, type: 'text/csv' })));
    for (const r of posted) {
      statuses.push(r.status);
      ids.push(r.body?.id);
    }
    finals = await Promise.all(ids.map((id, i) => http(t.url, 'GET', `/api/v1/submissions/${id}?wait=60`, { key: keys.get(planned[i].org) })
      .then(async (r) => (r.body.status === 'validating' || r.body.status === 'received'
        ? (await http(t.url, 'GET', `/api/v1/submissions/${id}?wait=60`, { key: keys.get(planned[i].org) })) : r))));
  });
  afterAll(() => t?.close());

  it('accepts every one of them without a single failed request', () => {
    expect(statuses).toEqual(planned.map(() => 202));
    expect(finals.map((f) => f.status)).toEqual(planned.map(() => 200));
    expect(finals.map((f) => f.body.status).filter((s) => s !== 'accepted' && s !== 'superseded')).toEqual([]);
    expect(finals.map((f) => f.body.valueCount)).toEqual(planned.map((p) => p.values.length));
  });

  it('ends with the values of applying them one by one in the order they were accepted', async () => {
    const acceptedAt = await t.warehouse.query<{ id: string; at: number }>(`SELECT submission_id AS id, CAST(epoch_ms(min(accepted_at)) AS DOUBLE) AS at FROM fact_values GROUP BY 1`);
    expect(new Set(acceptedAt.map((r) => r.at)).size).toBe(50); // a strict order
    const order = acceptedAt.sort((a, b) => a.at - b.at).map((r) => ids.indexOf(r.id));
    expect([...order].sort((a, b) => a - b)).toEqual(planned.map((p) => p.index));
    const expected = applyInOrder(order.map((i) => ({ id: ids[i], values: planned[i].values })));
    const actual = await currentFacts((sql) => t.warehouse.query(sql));
    expect(actual.size).toBe(expected.size);
    for (const [k, want] of expected) expect([k, actual.get(k)]).toEqual([k, want]);

    // Every superseded value points at the next submission (in acceptance order) that sent the same key and measure.
    const next = new Map<string, string>();
    const links = new Map<string, string | null>();
    for (const i of [...order].reverse()) {
      for (const v of planned[i].values) {
        links.set(`${ids[i]}|${keyOf(v)}`, next.get(keyOf(v)) ?? null);
        next.set(keyOf(v), ids[i]);
      }
    }
    const rows = await t.warehouse.query<any>(`SELECT submission_id AS id, site_code AS site, municipality_code AS municipality, strftime(period, '%Y-%m') AS period,
      client_group AS "group", measure, superseded_by AS by FROM fact_values`);
    expect(rows.length).toBe(links.size);
    for (const r of rows) expect([r.id, keyOf(r), r.by]).toEqual([r.id, keyOf(r), links.get(`${r.id}|${keyOf(r)}`)]);
  });

  it('keeps the bookkeeping of every submission as one-by-one application would', async () => {
    const acceptedAt = await t.warehouse.query<{ id: string; at: number }>(`SELECT submission_id AS id, CAST(epoch_ms(min(accepted_at)) AS DOUBLE) AS at FROM fact_values GROUP BY 1`);
    const order = acceptedAt.sort((a, b) => a.at - b.at).map((r) => ids.indexOf(r.id));
    const list = (await http(t.url, 'GET', '/api/v1/submissions?limit=100', { key: admin })).body as any[];
    const byId = new Map(list.map((s) => [s.id, s]));
    for (const [pos, i] of order.entries()) {
      const mine = new Set(planned[i].values.map(keyOf));
      let superseded = 0;
      let lastBy: string | null = null;
      const replaced = new Set<string>();
      for (const j of order.slice(pos + 1)) {
        const hits = planned[j].values.map(keyOf).filter((k) => mine.has(k) && !replaced.has(k));
        hits.forEach((k) => replaced.add(k));
        superseded += hits.length;
        if (hits.length) lastBy = ids[j];
      }
      const expected = { status: superseded === mine.size ? 'superseded' : 'accepted', supersededValues: superseded, supersededBy: lastBy };
      const s = byId.get(ids[i]);
      expect([planned[i].index, { status: s.status, supersededValues: s.supersededValues, supersededBy: s.supersededBy }]).toEqual([planned[i].index, expected]);
    }
  });

  it('has an audit trail with one accept per submission', async () => {
    const [{ n }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'submission.accept'`);
    expect(n).toBe(50);
  });
});
