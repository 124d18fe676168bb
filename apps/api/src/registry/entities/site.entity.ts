import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { SiteKind } from '@uitkomst/domain';
import { SiteMunicipality, SitePartner } from './site-links.entity';
import { SiteTypologyRecord } from './site-typology.entity';

@Entity('sites')
export class Site {
  @PrimaryColumn({ type: 'varchar', length: 40 }) code!: string; // WP-AM18-01, WT-GM0363-01
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', length: 20 }) kind!: SiteKind;
  @Column({ name: 'region_code', type: 'varchar', length: 4 }) regionCode!: string;
  @Column({ name: 'start_date', type: 'date' }) startDate!: string;
  @Column({ name: 'end_date', type: 'date', nullable: true }) endDate!: string | null;
  @OneToMany(() => SiteMunicipality, (m) => m.site, { cascade: true }) municipalities!: SiteMunicipality[];
  @OneToMany(() => SitePartner, (p) => p.site, { cascade: true }) partners!: SitePartner[];
  @OneToMany(() => SiteTypologyRecord, (t) => t.site, { cascade: true }) typology!: SiteTypologyRecord[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
