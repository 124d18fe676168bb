/** Shape in which organisations and sites are registered in bulk (demo generator, CLI import). */
import type { OrganisationKind, SiteKind, SiteTypology } from './typology';

export interface OrganisationSeed {
  code: string; // ORG-GM0363 (municipality), UWV-AM18 (UWV region), ISD-<name> (intermunicipal service)
  name: string;
  kind: OrganisationKind;
  municipalityCode: string | null; // for kind municipality
  regionCode: string | null; // for kind uwv_region (and intermunicipal services)
  publicationConsent: boolean;
}

export interface SiteSeed {
  code: string; // WP-AM18-01 (werkplein), WT-GM0363-01 (wijkteam)
  name: string;
  kind: SiteKind;
  regionCode: string;
  municipalityCodes: string[]; // current (2025) codes; facts may use a merged predecessor of a served code
  partnerCodes: string[]; // organisation codes
  startDate: string; // ISO date cooperation started
  endDate: string | null;
  typology: SiteTypology[]; // dated history, ascending validFrom
}

export interface RegistrySeed {
  organisations: OrganisationSeed[];
  sites: SiteSeed[];
}
