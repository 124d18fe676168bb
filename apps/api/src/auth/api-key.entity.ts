import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type Role = 'admin' | 'submitter';

/** An API key; only a slow (scrypt) hash is stored, see api-keys.ts. The prefix identifies it in lists and logs. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 16 }) prefix!: string;
  @Column({ type: 'varchar', length: 200 }) hash!: string;
  @Column({ type: 'varchar', length: 10 }) role!: Role;
  @Column({ name: 'organisation_code', type: 'varchar', length: 40, nullable: true }) organisationCode!: string | null;
  @Column({ type: 'varchar', default: '' }) label!: string;
  @Column({ type: 'boolean', default: false }) demo!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
}
