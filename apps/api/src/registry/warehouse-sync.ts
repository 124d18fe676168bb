/** Copies the registry into DuckDB's ref_* tables so the SQL models can join facts to it. */
import type { Warehouse } from '@uitkomst/warehouse';
import { replaceTableRows } from '@uitkomst/warehouse';
import type { DataSource } from 'typeorm';

export async function syncRegistryToWarehouse(db: DataSource, warehouse: Warehouse): Promise<void> {
  const [regions, provinces, municipalities, organisations, sites, siteMunicipalities, sitePartners, typology] = await Promise.all([
    db.query(`SELECT code, name FROM regions`),
    db.query(`SELECT code, name FROM provinces`),
    db.query(`SELECT m.code, m.name, m.region_code, m.province_code, m.valid_from::text, m.valid_to::text, m.successor_code,
                     coalesce(bool_and(o.publication_consent), true) AS publication_consent
                FROM municipalities m LEFT JOIN organisations o ON o.municipality_code = m.code
               GROUP BY m.code`),
    db.query(`SELECT code, name, kind, municipality_code, region_code, publication_consent FROM organisations`),
    db.query(`SELECT s.code, s.name, s.kind, s.region_code, s.start_date::text, s.end_date::text,
                     coalesce(bool_and(o.publication_consent), true) AS publication_consent
                FROM sites s LEFT JOIN site_partners p ON p.site_code = s.code LEFT JOIN organisations o ON o.code = p.organisation_code
               GROUP BY s.code`),
    db.query(`SELECT site_code, municipality_code FROM site_municipalities`),
    db.query(`SELECT site_code, organisation_code FROM site_partners`),
    db.query(`SELECT site_code, valid_from::text, (lead(valid_from) OVER (PARTITION BY site_code ORDER BY valid_from) - 1)::text AS valid_to,
                     integration_level, phase, team_model, co_located, joint_management, maturity, coordination::text AS coordination
                FROM site_typology`),
  ]);
  const successor = new Map<string, string | null>(municipalities.map((m: any) => [m.code, m.successor_code]));
  const currentCode = (code: string) => {
    let c = code;
    for (let i = 0; i < 20 && successor.get(c); i++) c = successor.get(c)!;
    return c;
  };
  await warehouse.transaction(async (conn) => {
    await replaceTableRows(conn, 'ref_regions', ['code', 'name'], regions);
    await replaceTableRows(conn, 'ref_provinces', ['code', 'name'], provinces);
    await replaceTableRows(conn, 'ref_municipalities',
      ['code', 'name', 'region_code', 'province_code', 'valid_from', 'valid_to', 'successor_code', 'current_code', 'publication_consent'],
      municipalities.map((m: any) => ({ ...m, current_code: currentCode(m.code) })));
    await replaceTableRows(conn, 'ref_organisations', ['code', 'name', 'kind', 'municipality_code', 'region_code', 'publication_consent'], organisations);
    await replaceTableRows(conn, 'ref_sites', ['code', 'name', 'kind', 'region_code', 'start_date', 'end_date', 'publication_consent'], sites);
    await replaceTableRows(conn, 'ref_site_municipalities', ['site_code', 'municipality_code'], siteMunicipalities);
    await replaceTableRows(conn, 'ref_site_partners', ['site_code', 'organisation_code'], sitePartners);
    await replaceTableRows(conn, 'ref_site_typology',
      ['site_code', 'valid_from', 'valid_to', 'integration_level', 'phase', 'team_model', 'co_located', 'joint_management', 'maturity', 'coordination'], typology);
  });
}
