import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('regions')
export class Region {
  @PrimaryColumn({ type: 'varchar', length: 4 }) code!: string; // AM18
  @Column({ type: 'varchar' }) name!: string;
}

@Entity('provinces')
export class Province {
  @PrimaryColumn({ type: 'varchar', length: 4 }) code!: string; // PV27
  @Column({ type: 'varchar' }) name!: string;
}
