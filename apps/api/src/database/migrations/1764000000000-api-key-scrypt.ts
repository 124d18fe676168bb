import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys are stored as scrypt hashes (`scrypt$N$r$p$salt$hash`, about 90 characters). Existing SHA-256
 * hashes stay valid and are replaced by scrypt hashes on each key's next successful use.
 */
export class ApiKeyScrypt1764000000000 implements MigrationInterface {
  name = 'ApiKeyScrypt1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "api_keys" ALTER COLUMN "hash" TYPE character varying(200)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Keys with a scrypt hash cannot go back to SHA-256: they stop working and must be rotated.
    await q.query(`UPDATE "api_keys" SET "hash" = left("hash", 64), "revoked_at" = coalesce("revoked_at", now()) WHERE "hash" LIKE 'scrypt$%'`);
    await q.query(`ALTER TABLE "api_keys" ALTER COLUMN "hash" TYPE character varying(64)`);
  }
}
