import { MigrationInterface, QueryRunner } from 'typeorm';

/** Releases: the sha256 of manifest.json (verified on load), who published, and one release per (year, number). */
export class ReleaseIntegrity1763900000000 implements MigrationInterface {
  name = 'ReleaseIntegrity1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "releases" ADD "manifest_sha256" character varying(64)`);
    await q.query(`ALTER TABLE "releases" ADD "year" integer`);
    await q.query(`ALTER TABLE "releases" ADD "number_in_year" integer`);
    await q.query(`CREATE UNIQUE INDEX "IDX_releases_year_number" ON "releases" ("year", "number_in_year")`);
    await q.query(`CREATE INDEX "IDX_releases_status" ON "releases" ("status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_releases_status"`);
    await q.query(`DROP INDEX "IDX_releases_year_number"`);
    await q.query(`ALTER TABLE "releases" DROP COLUMN "number_in_year"`);
    await q.query(`ALTER TABLE "releases" DROP COLUMN "year"`);
    await q.query(`ALTER TABLE "releases" DROP COLUMN "manifest_sha256"`);
  }
}
