import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what, when: append-only. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Index() @CreateDateColumn({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'actor_key_id', type: 'uuid', nullable: true }) actorKeyId!: string | null;
  @Column({ name: 'actor_organisation', type: 'varchar', length: 40, nullable: true }) actorOrganisation!: string | null;
  @Column({ type: 'varchar', length: 60 }) action!: string;
  @Column({ name: 'target_type', type: 'varchar', length: 40 }) targetType!: string;
  @Column({ name: 'target_id', type: 'varchar', length: 80, nullable: true }) targetId!: string | null;
  @Column({ type: 'jsonb', default: {} }) details!: Record<string, unknown>;
}
