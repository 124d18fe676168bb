/** Read models of the registry, shaped for the API. */
import { DataSource } from 'typeorm';
import { Municipality } from './entities/municipality.entity';
import { Region } from './entities/region.entity';
import { Site } from './entities/site.entity';

export async function listRegions(db: DataSource) {
  const rows: { code: string; name: string; municipalities: number }[] = await db.query(
    `SELECT r.code, r.name, count(m.code)::int AS municipalities
       FROM regions r LEFT JOIN municipalities m ON m.region_code = r.code AND m.valid_to IS NULL
      GROUP BY r.code, r.name ORDER BY r.code`);
  return rows;
}

export function listMunicipalities(db: DataSource, opts: { includeHistoric?: boolean; region?: string } = {}) {
  const q = db.getRepository(Municipality).createQueryBuilder('m').orderBy('m.code');
  if (!opts.includeHistoric) q.andWhere('m.valid_to IS NULL');
  if (opts.region) q.andWhere('m.region_code = :region', { region: opts.region });
  return q.getMany();
}

export async function listSites(db: DataSource, opts: { region?: string; kind?: string; code?: string } = {}) {
  const q = db.getRepository(Site).createQueryBuilder('s')
    .leftJoinAndSelect('s.municipalities', 'sm')
    .leftJoinAndSelect('s.partners', 'sp')
    .leftJoinAndSelect('s.typology', 'st')
    .orderBy('s.code').addOrderBy('st.valid_from');
  if (opts.region) q.andWhere('s.region_code = :region', { region: opts.region });
  if (opts.kind) q.andWhere('s.kind = :kind', { kind: opts.kind });
  if (opts.code) q.andWhere('s.code = :code', { code: opts.code });
  const sites = await q.getMany();
  return sites.map(toSiteView);
}

export function toSiteView(s: Site) {
  const typology = [...(s.typology ?? [])]
    .sort((a, b) => a.validFrom.localeCompare(b.validFrom))
    .map(({ validFrom, integrationLevel, coordination, phase, teamModel, coLocated, jointManagement, maturity }) => ({
      validFrom, integrationLevel, coordination, phase, teamModel, coLocated, jointManagement, maturity,
    }));
  return {
    code: s.code, name: s.name, kind: s.kind, regionCode: s.regionCode, startDate: s.startDate, endDate: s.endDate,
    municipalities: (s.municipalities ?? []).map((m) => m.municipalityCode).sort(),
    partners: (s.partners ?? []).map((p) => p.organisationCode).sort(),
    typology,
    currentTypology: typology.at(-1) ?? null,
  };
}

export const regionExists = (db: DataSource, code: string) => db.getRepository(Region).existsBy({ code });
