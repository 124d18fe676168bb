import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { loadMunicipalities, loadProvinces, loadRegions, MunicipalityRef, NamedRef, OrganisationSeed, RegistrySeed, SiteSeed, SiteTypology } from '@uitkomst/domain';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, AuditService } from '../audit/audit.service';
import { Municipality } from './entities/municipality.entity';
import { Organisation } from './entities/organisation.entity';
import { Province, Region } from './entities/region.entity';
import { SiteMunicipality, SitePartner } from './entities/site-links.entity';
import { SiteTypologyRecord } from './entities/site-typology.entity';
import { Site } from './entities/site.entity';

@Injectable()
export class RegistryService {
  constructor(@InjectDataSource() readonly db: DataSource, readonly audit: AuditService) {}

  async isEmpty(): Promise<boolean> {
    return (await this.db.getRepository(Municipality).count()) === 0;
  }

  /** Loads the shipped CBS lists (regions, provinces, municipalities with mergers) when the registry is empty. */
  async seedReference(actor: Actor): Promise<void> {
    if (!(await this.isEmpty())) return;
    await this.importMunicipalities(actor, { regions: loadRegions(), provinces: loadProvinces(), municipalities: loadMunicipalities() });
  }

  /**
   * Imports a year's CBS list: upserts regions, provinces and municipalities; a municipality that
   * disappears gets valid_to and successor_code so its facts map onto the current one.
   */
  async importMunicipalities(actor: Actor, list: { regions: NamedRef[]; provinces: NamedRef[]; municipalities: MunicipalityRef[] }) {
    for (const m of list.municipalities) {
      if (!/^GM\d{4}$/.test(m.code)) throw new BadRequestException(`municipality code ${m.code} is not of the form GM0000`);
      if (m.successorCode && !list.municipalities.some((x) => x.code === m.successorCode))
        throw new BadRequestException(`successor ${m.successorCode} of ${m.code} is not in the list`);
    }
    return this.db.transaction(async (em) => {
      await em.upsert(Region, list.regions, ['code']);
      await em.upsert(Province, list.provinces, ['code']);
      const rows = list.municipalities.map((m) => ({ ...m, validTo: m.validTo || null, successorCode: m.successorCode || null }));
      for (let i = 0; i < rows.length; i += 500) await em.upsert(Municipality, rows.slice(i, i + 500), ['code']);
      await this.audit.record(actor, 'municipalities.import', 'municipality', null, {
        municipalities: rows.length, historic: rows.filter((r) => r.validTo).length, regions: list.regions.length,
      }, em);
      return { regions: list.regions.length, provinces: list.provinces.length, municipalities: rows.length };
    });
  }

  async upsertOrganisation(actor: Actor, org: OrganisationSeed, em?: EntityManager) {
    const run = async (m: EntityManager) => {
      if (org.municipalityCode) await this.requireMunicipalities(m, [org.municipalityCode]);
      await m.upsert(Organisation, org, ['code']);
      await this.audit.record(actor, 'organisation.upsert', 'organisation', org.code, { ...org }, m);
    };
    return em ? run(em) : this.db.transaction(run);
  }

  /** Creates or replaces a site's description; typology records are added, never rewritten. */
  async upsertSite(actor: Actor, site: SiteSeed, em?: EntityManager) {
    const run = async (m: EntityManager) => {
      await this.requireMunicipalities(m, site.municipalityCodes);
      const known = await m.getRepository(Organisation).countBy({ code: In(site.partnerCodes) });
      if (known !== new Set(site.partnerCodes).size) throw new BadRequestException(`site ${site.code}: unknown partner organisation among ${site.partnerCodes.join(', ')}`);
      await m.upsert(Site, { code: site.code, name: site.name, kind: site.kind, regionCode: site.regionCode, startDate: site.startDate, endDate: site.endDate }, ['code']);
      await m.delete(SiteMunicipality, { siteCode: site.code });
      await m.delete(SitePartner, { siteCode: site.code });
      await m.insert(SiteMunicipality, site.municipalityCodes.map((municipalityCode) => ({ siteCode: site.code, municipalityCode })));
      await m.insert(SitePartner, site.partnerCodes.map((organisationCode) => ({ siteCode: site.code, organisationCode })));
      for (const t of site.typology) await this.addTypology(actor, site.code, t, m);
      await this.audit.record(actor, 'site.upsert', 'site', site.code, { name: site.name, municipalities: site.municipalityCodes, partners: site.partnerCodes }, m);
    };
    return em ? run(em) : this.db.transaction(run);
  }

  /** Adds (or corrects) the typology valid from a date; earlier records stay as they were. */
  async addTypology(actor: Actor, siteCode: string, t: SiteTypology, em?: EntityManager) {
    const m = em ?? this.db.manager;
    if (!(await m.getRepository(Site).existsBy({ code: siteCode }))) throw new NotFoundException(`site ${siteCode} not found`);
    await m.upsert(SiteTypologyRecord, { siteCode, ...t }, ['siteCode', 'validFrom']);
    await this.audit.record(actor, 'site.typology', 'site', siteCode, { ...t }, m);
  }

  async importRegistry(actor: Actor, seed: RegistrySeed) {
    return this.db.transaction(async (m) => {
      for (const org of seed.organisations) await this.upsertOrganisation(actor, org, m);
      for (const site of seed.sites) await this.upsertSite(actor, site, m);
      return { organisations: seed.organisations.length, sites: seed.sites.length };
    });
  }

  listOrganisations() {
    return this.db.getRepository(Organisation).find({ order: { code: 'ASC' } });
  }

  private async requireMunicipalities(m: EntityManager, codes: string[]) {
    const found = await m.getRepository(Municipality).findBy({ code: In(codes) });
    const missing = codes.filter((c) => !found.some((f) => f.code === c));
    if (missing.length) throw new BadRequestException(`unknown municipality code(s): ${missing.join(', ')}`);
  }
}
