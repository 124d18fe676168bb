import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ReleaseManifest } from './release-manifest';

export type ReleaseStatus = 'building' | 'published' | 'failed';

/**
 * An immutable published snapshot; its files live under DATA_DIR/releases/<id>/. The id is
 * `<year of publication>.<number within that year>` (2026.1, 2026.2, ...); `sequence` counts across years.
 */
@Entity('releases')
export class Release {
  @PrimaryColumn({ type: 'varchar', length: 40 }) id!: string;
  @Column({ type: 'integer', unique: true }) sequence!: number;
  @Column({ type: 'integer', nullable: true }) year!: number | null;
  @Column({ name: 'number_in_year', type: 'integer', nullable: true }) numberInYear!: number | null;
  @Column({ type: 'varchar', length: 12 }) status!: ReleaseStatus;
  @Column({ type: 'varchar', default: '' }) title!: string;
  @Column({ name: 'metric_definition_version', type: 'varchar', length: 20 }) metricDefinitionVersion!: string;
  @Column({ type: 'jsonb', nullable: true }) manifest!: ReleaseManifest | null;
  @Column({ name: 'manifest_sha256', type: 'varchar', length: 64, nullable: true }) manifestSha256!: string | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}
