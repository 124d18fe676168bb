import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Site } from './site.entity';

/** Municipalities a site serves (current codes; facts may use a merged predecessor). */
@Entity('site_municipalities')
export class SiteMunicipality {
  @PrimaryColumn({ name: 'site_code', type: 'varchar', length: 40 }) siteCode!: string;
  @PrimaryColumn({ name: 'municipality_code', type: 'varchar', length: 6 }) municipalityCode!: string;
  @ManyToOne('Site', 'municipalities', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'site_code' }) site!: Site;
}

/** Partner organisations of a site: the ones whose submitters may upload for it. */
@Entity('site_partners')
export class SitePartner {
  @PrimaryColumn({ name: 'site_code', type: 'varchar', length: 40 }) siteCode!: string;
  @PrimaryColumn({ name: 'organisation_code', type: 'varchar', length: 40 }) organisationCode!: string;
  @ManyToOne('Site', 'partners', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'site_code' }) site!: Site;
}
