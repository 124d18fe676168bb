import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { CoordinationDimension, CoordinationForm, IntegrationLevel, Maturity, TeamModel } from '@uitkomst/domain';
import type { Site } from './site.entity';

/** Typology of a site from valid_from until the next record's valid_from (dated, never overwritten). */
@Entity('site_typology')
@Unique(['siteCode', 'validFrom'])
export class SiteTypologyRecord {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'site_code', type: 'varchar', length: 40 }) siteCode!: string;
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'integration_level', type: 'varchar', length: 10 }) integrationLevel!: IntegrationLevel;
  @Column({ type: 'jsonb' }) coordination!: Record<CoordinationDimension, CoordinationForm>;
  @Column({ type: 'smallint' }) phase!: 1 | 2 | 3;
  @Column({ name: 'team_model', type: 'varchar', length: 1, nullable: true }) teamModel!: TeamModel | null;
  @Column({ name: 'co_located', type: 'boolean' }) coLocated!: boolean;
  @Column({ name: 'joint_management', type: 'boolean' }) jointManagement!: boolean;
  @Column({ type: 'varchar', length: 15 }) maturity!: Maturity;
  @ManyToOne('Site', 'typology', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'site_code' }) site!: Site;
}
