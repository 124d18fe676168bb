/**
 * Shared set-up of the release and query suites: a running app with a small registry (one municipality
 * withholding consent), hand-made facts written straight into DuckDB fact_values with matching accepted
 * submissions in PostgreSQL, and helpers that compute expected figures from those facts independently.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { Backend, startTestApp, TestApp } from './test-app';
import { writeSubmissionFacts } from './write-facts';

export const MONTH = '2025-03-01'; // one month per year, so month, quarter, year and rolling figures coincide
export const PREVIOUS_MONTH = '2024-03-01';

const typology = (integrationLevel: string) => ({
  validFrom: '2012-01-01', integrationLevel, phase: 2, teamModel: null, coLocated: true, jointManagement: false, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
});

export const NO_CONSENT = 'GM0437'; // Ouder-Amstel withholds consent
export const SMALL = 'GM0384'; // Diemen: too few clients, suppressed

export const REGISTRY = {
  organisations: [
    { code: 'ORG-GM0363', name: 'Gemeente Amsterdam', kind: 'municipality', municipalityCode: 'GM0363' },
    { code: 'ORG-GM0362', name: 'Gemeente Amstelveen', kind: 'municipality', municipalityCode: 'GM0362' },
    { code: 'ORG-GM0384', name: 'Gemeente Diemen', kind: 'municipality', municipalityCode: 'GM0384' },
    { code: 'ORG-GM0437', name: 'Gemeente Ouder-Amstel', kind: 'municipality', municipalityCode: 'GM0437', publicationConsent: false },
    { code: 'UWV-AM18', name: 'UWV Groot-Amsterdam', kind: 'uwv_region', regionCode: 'AM18' },
  ],
  sites: [
    { code: 'WP-AM18-01', name: 'Werkplein Amsterdam', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0363'], partnerCodes: ['ORG-GM0363', 'UWV-AM18'], startDate: '2012-06-01', typology: [typology('full')] },
    { code: 'WP-AM18-02', name: 'Werkplein Amstelveen', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0362'], partnerCodes: ['ORG-GM0362', 'UWV-AM18'], startDate: '2016-01-01', typology: [typology('partial')] },
    { code: 'WT-GM0384-01', name: '=Wijkteam Diemen', kind: 'wijkteam', regionCode: 'AM18', municipalityCodes: ['GM0384'], partnerCodes: ['ORG-GM0384'], startDate: '2015-01-01', typology: [typology('limited')] },
    { code: 'WT-GM0437-01', name: 'Wijkteam Ouder-Amstel', kind: 'wijkteam', regionCode: 'AM18', municipalityCodes: ['GM0437'], partnerCodes: ['ORG-GM0437'], startDate: '2015-01-01', typology: [typology('limited')] },
  ],
};

export interface Fact { site: string; municipality: string; month: string; group: string; measure: string; value: number }

/** clients_start, clients_new, exits_to_work for two client groups per site and year. */
export function baseFacts(): Fact[] {
  const sizes: Record<string, [string, number, number, number][]> = {
    // site, municipality, [start, new, exits] per group (ww, bijstand_kort)
    'WP-AM18-01': [['GM0363', 400, 100, 75], ['GM0363', 300, 50, 20]],
    'WP-AM18-02': [['GM0362', 120, 30, 12], ['GM0362', 90, 10, 5]],
    'WT-GM0384-01': [['GM0384', 3, 1, 1], ['GM0384', 2, 1, 0]],
    'WT-GM0437-01': [['GM0437', 150, 50, 40], ['GM0437', 100, 20, 9]],
  };
  const facts: Fact[] = [];
  for (const [site, groups] of Object.entries(sizes)) {
    groups.forEach(([municipality, start, fresh, exits], i) => {
      const group = i === 0 ? 'ww' : 'bijstand_kort';
      for (const month of [PREVIOUS_MONTH, MONTH]) {
        const shift = month === PREVIOUS_MONTH ? 0.8 : 1; // the previous year is a little worse
        facts.push({ site, municipality, month, group, measure: 'clients_start', value: start });
        facts.push({ site, municipality, month, group, measure: 'clients_new', value: fresh });
        facts.push({ site, municipality, month, group, measure: 'exits_to_work', value: Math.round(exits * shift) });
      }
    });
  }
  return facts;
}

export interface ReleaseContext { t: TestApp; admin: string; submitter: string; db: DataSource; submissions: string[] }

export const call = (ctx: ReleaseContext, path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(ctx.t.url + path, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.headers as Record<string, string>) } });

export async function getJson(ctx: ReleaseContext, path: string): Promise<any> {
  const res = await call(ctx, path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Records an accepted submission in PostgreSQL and writes its facts (superseding earlier values of the same key). */
export async function addSubmission(ctx: ReleaseContext, facts: Fact[]): Promise<string> {
  const id = randomUUID();
  await ctx.db.query(
    `INSERT INTO submissions (id, organisation_code, api_key_id, status, format, sha256, byte_size, finished_at) VALUES ($1, 'ORG-GM0363', $2, 'accepted', 'csv', $3, 1, now())`,
    [id, randomUUID(), id.replace(/-/g, '').padEnd(64, '0')]);
  await writeSubmissionFacts(ctx.t.warehouse, id, new Date(), facts);
  ctx.submissions.push(id);
  return id;
}

export async function startReleaseApp(backend: Backend): Promise<ReleaseContext> {
  const t = await startTestApp(backend);
  await runFirstStart(t.app);
  const keys = t.app.get(ApiKeysService);
  const admin = (await keys.bootstrapAdmin()).key;
  const ctx: ReleaseContext = { t, admin, submitter: '', db: t.app.get(DataSource), submissions: [] };
  const res = await call(ctx, '/api/v1/admin/registry/import', { method: 'POST', key: admin, body: JSON.stringify(REGISTRY) });
  if (!res.ok) throw new Error(`registry import failed: ${res.status} ${await res.text()}`);
  ctx.submitter = (await keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: 'ORG-GM0363' })).key;
  return ctx;
}

export async function publish(ctx: ReleaseContext, title = ''): Promise<any> {
  const res = await call(ctx, '/api/v1/releases', { method: 'POST', key: ctx.admin, body: JSON.stringify({ title }) });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Current facts from the warehouse (the test's own reading, not the marts). */
export async function currentFacts(ctx: ReleaseContext): Promise<Fact[]> {
  return ctx.t.warehouse.query<Fact>(`SELECT site_code AS site, municipality_code AS municipality, strftime(period, '%Y-%m-%d') AS month, client_group AS "group", measure, value FROM facts_current`);
}

/** outflow_to_work = exits_to_work / (clients_start + clients_new), summed over the selected facts. */
export function expectedOutflow(facts: Fact[], keep: (f: Fact) => boolean): { numerator: number; denominator: number; value: number } {
  const sel = facts.filter(keep);
  const sum = (m: string) => sel.filter((f) => f.measure === m).reduce((s, f) => s + f.value, 0);
  const numerator = sum('exits_to_work');
  const denominator = sum('clients_start') + sum('clients_new');
  return { numerator, denominator, value: numerator / denominator };
}

/** Wilson score interval, written out here independently of libs/stats. */
export function wilson(x: number, n: number, z = 1.959963984540054): [number, number] {
  const p = x / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [centre - half, centre + half];
}

/** Rows of a CSV answer (CRLF lines, optional BOM, double-quoted cells) as objects by header. */
export function parseCsv(text: string, sep = ','): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  const split = (line: string) => {
    const out: string[] = []; let cur = ''; let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) { if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch; }
      else if (ch === '"') quoted = true; else if (ch === sep) { out.push(cur); cur = ''; } else cur += ch;
    }
    return [...out, cur];
  };
  const [head, ...rest] = lines.map(split);
  return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
