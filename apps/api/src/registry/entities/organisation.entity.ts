import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrganisationKind } from '@uitkomst/domain';

@Entity('organisations')
export class Organisation {
  @PrimaryColumn({ type: 'varchar', length: 40 }) code!: string; // ORG-GM0363, UWV-AM18, ISD-...
  @Column({ type: 'varchar' }) name!: string;
  @Column({ type: 'varchar', length: 30 }) kind!: OrganisationKind;
  @Column({ name: 'municipality_code', type: 'varchar', length: 6, nullable: true }) municipalityCode!: string | null;
  @Column({ name: 'region_code', type: 'varchar', length: 4, nullable: true }) regionCode!: string | null;
  @Column({ name: 'publication_consent', type: 'boolean', default: true }) publicationConsent!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
