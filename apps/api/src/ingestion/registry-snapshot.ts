/** The registry facts validation needs, read from PostgreSQL and copied into the submission's DuckDB temp tables. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { replaceTableRows } from '@uitkomst/warehouse';
import type { DataSource } from 'typeorm';
import type { StagingTables } from './validation-sql';

export interface RegistrySnapshot {
  sites: { code: string; is_partner: boolean }[];
  served: { site_code: string; municipality_code: string }[];
  municipalities: { code: string; valid_from: string; valid_to: string | null; current_code: string }[];
}

/** `organisationCode` null (admin) may submit for every site. */
export async function readRegistrySnapshot(db: DataSource, organisationCode: string | null): Promise<RegistrySnapshot> {
  const [sites, served, municipalities] = await Promise.all([
    db.query(`SELECT s.code, ($1::varchar IS NULL OR EXISTS (SELECT 1 FROM site_partners p WHERE p.site_code = s.code AND p.organisation_code = $1)) AS is_partner
                FROM sites s`, [organisationCode]),
    db.query(`SELECT site_code, municipality_code FROM site_municipalities`),
    db.query(`SELECT code, valid_from::text AS valid_from, valid_to::text AS valid_to, successor_code FROM municipalities`),
  ]);
  const successor = new Map<string, string | null>(municipalities.map((m: any) => [m.code, m.successor_code]));
  const currentCode = (code: string) => {
    let c = code;
    for (let i = 0; i < 20 && successor.get(c); i++) c = successor.get(c)!;
    return c;
  };
  return {
    sites: sites.map((s: any) => ({ code: s.code, is_partner: s.is_partner === true || s.is_partner === 't' })),
    served,
    municipalities: municipalities.map((m: any) => ({ code: m.code, valid_from: m.valid_from, valid_to: m.valid_to, current_code: currentCode(m.code) })),
  };
}

export async function loadRegistrySnapshot(conn: DuckDBConnection, t: StagingTables, snapshot: RegistrySnapshot): Promise<void> {
  await replaceTableRows(conn, t.sites, ['code', 'is_partner'], snapshot.sites);
  await replaceTableRows(conn, t.served, ['site_code', 'municipality_code'], snapshot.served);
  await replaceTableRows(conn, t.municipalities, ['code', 'valid_from', 'valid_to', 'current_code'], snapshot.municipalities);
}
