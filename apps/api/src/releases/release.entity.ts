import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An immutable published snapshot; its files live under DATA_DIR/releases/<id>/. */
@Entity('releases')
export class Release {
  @PrimaryColumn({ type: 'varchar', length: 40 }) id!: string; // e.g. 2026.1
  @Column({ type: 'integer', unique: true }) sequence!: number;
  @Column({ type: 'varchar', length: 12 }) status!: 'building' | 'published' | 'failed';
  @Column({ type: 'varchar', default: '' }) title!: string;
  @Column({ name: 'metric_definition_version', type: 'varchar', length: 20 }) metricDefinitionVersion!: string;
  @Column({ type: 'jsonb', nullable: true }) manifest!: Record<string, unknown> | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}
