import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A CBS municipality; merged ones keep their row with valid_to and the successor's code. */
@Entity('municipalities')
export class Municipality {
  @PrimaryColumn({ type: 'varchar', length: 6 }) code!: string; // GM0363
  @Column({ type: 'varchar' }) name!: string;
  @Column({ name: 'region_code', type: 'varchar', length: 4 }) regionCode!: string;
  @Column({ name: 'province_code', type: 'varchar', length: 4 }) provinceCode!: string;
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_to', type: 'date', nullable: true }) validTo!: string | null;
  @Column({ name: 'successor_code', type: 'varchar', length: 6, nullable: true }) successorCode!: string | null;
}
