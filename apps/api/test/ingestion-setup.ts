/**
 * Shared set-up of the ingestion suites: a running app with a small registry (two Werkplein partners and
 * one wijkteam after a municipal merger), an admin key and submitter keys, and HTTP helpers.
 */
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runFirstStart } from '../src/boot/first-start';
import { startTestApp, TestApp, Backend } from './test-app';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../src/config';

export const FIXTURES = path.join(__dirname, 'fixtures-ingestion');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

const typology = {
  validFrom: '2012-01-01', integrationLevel: 'partial', phase: 2, teamModel: null, coLocated: true, jointManagement: false, maturity: 'systematic',
  coordination: { intake: 'integrated', diagnosis: 'process', aanbodversterking: 'none', job_mediation: 'both', employer_services: 'integrated', shared_resources: 'product', information_exchange: 'process', programme: 'none' },
};

export const REGISTRY = {
  organisations: [
    { code: 'ORG-GM0363', name: 'Gemeente Amsterdam', kind: 'municipality', municipalityCode: 'GM0363' },
    { code: 'UWV-AM18', name: 'UWV Groot-Amsterdam', kind: 'uwv_region', regionCode: 'AM18' },
    { code: 'ORG-GM1979', name: 'Gemeente Eemsdelta', kind: 'municipality', municipalityCode: 'GM1979' },
  ],
  sites: [
    { code: 'WP-AM18-01', name: 'Werkplein Amsterdam', kind: 'werkplein', regionCode: 'AM18', municipalityCodes: ['GM0363'], partnerCodes: ['ORG-GM0363', 'UWV-AM18'], startDate: '2012-01-01', typology: [typology] },
    { code: 'WT-GM1979-01', name: 'Wijkteam Eemsdelta', kind: 'wijkteam', regionCode: 'AM01', municipalityCodes: ['GM1979'], partnerCodes: ['ORG-GM1979'], startDate: '2015-01-01', typology: [typology] },
  ],
};

export interface IngestionContext {
  t: TestApp;
  admin: string;
  amsterdam: string; // submitter of ORG-GM0363 (partner of WP-AM18-01)
  uwv: string; // submitter of UWV-AM18 (partner of WP-AM18-01)
  eemsdelta: string; // submitter of ORG-GM1979 (partner of WT-GM1979-01 only)
  db: DataSource;
}

export async function startIngestionApp(backend: Backend, overrides: Partial<AppConfig> = {}): Promise<IngestionContext> {
  const t = await startTestApp(backend, overrides);
  await runFirstStart(t.app);
  const keys = t.app.get(ApiKeysService);
  const admin = (await keys.bootstrapAdmin()).key;
  const res = await fetch(`${t.url}/api/v1/admin/registry/import`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(REGISTRY),
  });
  if (!res.ok) throw new Error(`registry import failed: ${res.status} ${await res.text()}`);
  const submitter = async (org: string) => (await keys.create({ keyId: null, organisationCode: null }, { role: 'submitter', organisationCode: org })).key;
  return { t, admin, amsterdam: await submitter('ORG-GM0363'), uwv: await submitter('UWV-AM18'), eemsdelta: await submitter('ORG-GM1979'), db: t.app.get(DataSource) };
}

export async function upload(ctx: IngestionContext, body: string | Buffer | Uint8Array, contentType: string, key: string) {
  const res = await fetch(`${ctx.t.url}/api/v1/submissions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body: body as any,
  });
  return { status: res.status, location: res.headers.get('location'), body: (await res.json()) as any };
}

export async function get(ctx: IngestionContext, pathname: string, key?: string) {
  const res = await fetch(`${ctx.t.url}${pathname}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* CSV or text */ }
  return { status: res.status, body, headers: res.headers };
}

/** Uploads and waits for the final status. */
export async function submit(ctx: IngestionContext, body: string | Buffer | Uint8Array, contentType: string, key: string) {
  const posted = await upload(ctx, body, contentType, key);
  if (posted.status !== 202 && posted.status !== 200) throw new Error(`upload answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  const done = await get(ctx, `${posted.location}?wait=60`, key);
  return done.body;
}

export async function countFacts(ctx: IngestionContext): Promise<number> {
  const [row] = await ctx.t.warehouse.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values`);
  return row.n;
}

/** A complete, consistent wide row for WP-AM18-01 / GM0363. */
export const WIDE_HEADER = 'site_code,municipality_code,period,client_group,clients_start,clients_new,exits_total,exits_to_work,exits_to_work_sustained,survey_respondents,survey_score_sum,survey_score_sumsq,survey_satisfied,cost_personnel_eur,cost_instruments_eur,cost_overhead_eur,days_to_first_offer_sum,first_offers,joint_plans';
export const wideRow = (period: string, group = 'ww', site = 'WP-AM18-01', municipality = 'GM0363') =>
  `${site},${municipality},${period},${group},100,20,15,10,6,12,90,700,8,15000.50,3000,1200.25,300,18,40`;

export const errorsOf = (submission: any) => submission.errors.map((e: any) => [e.row, e.column, e.code]);
