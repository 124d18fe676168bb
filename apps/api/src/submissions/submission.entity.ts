import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SubmissionStatus = 'received' | 'validating' | 'accepted' | 'rejected' | 'superseded';

export interface SubmissionError { row: number | null; column: string | null; code: string; message: string }

@Entity('submissions')
@Index(['organisationCode', 'sha256'])
export class Submission {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organisation_code', type: 'varchar', length: 40, nullable: true }) organisationCode!: string | null;
  @Column({ name: 'api_key_id', type: 'uuid' }) apiKeyId!: string;
  @Column({ type: 'varchar', length: 12 }) status!: SubmissionStatus;
  @Column({ type: 'varchar', length: 20 }) format!: string;
  @Column({ type: 'varchar', length: 8, nullable: true }) layout!: 'long' | 'wide' | null;
  @Column({ type: 'varchar', nullable: true }) filename!: string | null;
  @Column({ type: 'varchar', length: 64 }) sha256!: string;
  @Column({ name: 'byte_size', type: 'bigint' }) byteSize!: string;
  @Column({ name: 'row_count', type: 'integer', nullable: true }) rowCount!: number | null;
  @Column({ name: 'value_count', type: 'integer', nullable: true }) valueCount!: number | null;
  @Column({ name: 'error_count', type: 'integer', default: 0 }) errorCount!: number;
  @Column({ name: 'errors_sample', type: 'jsonb', default: [] }) errorsSample!: SubmissionError[];
  @Column({ name: 'superseded_values', type: 'integer', default: 0 }) supersededValues!: number;
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true }) supersededBy!: string | null;
  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
