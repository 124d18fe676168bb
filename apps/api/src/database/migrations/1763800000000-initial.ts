import { MigrationInterface, QueryRunner } from 'typeorm';

/** The registry, accounts, submissions, releases and audit log. */
export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "prefix" character varying(16) NOT NULL, "hash" character varying(64) NOT NULL, "role" character varying(10) NOT NULL, "organisation_code" character varying(40), "label" character varying NOT NULL DEFAULT '', "demo" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_6f6105c8efe05b310d046cbdb3" ON "api_keys" ("prefix")`);
    await q.query(`CREATE TABLE "audit_events" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_key_id" uuid, "actor_organisation" character varying(40), "action" character varying(60) NOT NULL, "target_type" character varying(40) NOT NULL, "target_id" character varying(80), "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_3648e11676f1929b9875ee272b" ON "audit_events" ("at")`);
    await q.query(`CREATE TABLE "municipalities" ("code" character varying(6) NOT NULL, "name" character varying NOT NULL, "region_code" character varying(4) NOT NULL, "province_code" character varying(4) NOT NULL, "valid_from" date NOT NULL, "valid_to" date, "successor_code" character varying(6), CONSTRAINT "PK_9e0e960d7323bb120dc5e915dd8" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "organisations" ("code" character varying(40) NOT NULL, "name" character varying NOT NULL, "kind" character varying(30) NOT NULL, "municipality_code" character varying(6), "region_code" character varying(4), "publication_consent" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_06f3139d67205a125c84f8c6c45" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "regions" ("code" character varying(4) NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_4f6dc5a464961e7c65a395ea4c6" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "provinces" ("code" character varying(4) NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_f4b684af62d5cb3aa174f6b9b8a" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "site_municipalities" ("site_code" character varying(40) NOT NULL, "municipality_code" character varying(6) NOT NULL, CONSTRAINT "PK_0af1c4b1d999652ed2c3154a0e9" PRIMARY KEY ("site_code", "municipality_code"))`);
    await q.query(`CREATE TABLE "site_partners" ("site_code" character varying(40) NOT NULL, "organisation_code" character varying(40) NOT NULL, CONSTRAINT "PK_17582c2e6b67d1584bca402eab2" PRIMARY KEY ("site_code", "organisation_code"))`);
    await q.query(`CREATE TABLE "site_typology" ("id" SERIAL NOT NULL, "site_code" character varying(40) NOT NULL, "valid_from" date NOT NULL, "integration_level" character varying(10) NOT NULL, "coordination" jsonb NOT NULL, "phase" smallint NOT NULL, "team_model" character varying(1), "co_located" boolean NOT NULL, "joint_management" boolean NOT NULL, "maturity" character varying(15) NOT NULL, CONSTRAINT "UQ_239e3446d13e0e3af989c54499d" UNIQUE ("site_code", "valid_from"), CONSTRAINT "PK_beb625c774b08e3198813976aac" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "sites" ("code" character varying(40) NOT NULL, "name" character varying NOT NULL, "kind" character varying(20) NOT NULL, "region_code" character varying(4) NOT NULL, "start_date" date NOT NULL, "end_date" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dde6621eadc0c9c9621360ec668" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TABLE "releases" ("id" character varying(40) NOT NULL, "sequence" integer NOT NULL, "status" character varying(12) NOT NULL, "title" character varying NOT NULL DEFAULT '', "metric_definition_version" character varying(20) NOT NULL, "manifest" jsonb, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_c7ca049b37220a9c5cd03e9354b" UNIQUE ("sequence"), CONSTRAINT "PK_6b6fc2599a5a281dd44a7d64016" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "submissions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_code" character varying(40), "api_key_id" uuid NOT NULL, "status" character varying(12) NOT NULL, "format" character varying(20) NOT NULL, "layout" character varying(8), "filename" character varying, "sha256" character varying(64) NOT NULL, "byte_size" bigint NOT NULL, "row_count" integer, "value_count" integer, "error_count" integer NOT NULL DEFAULT '0', "errors_sample" jsonb NOT NULL DEFAULT '[]', "superseded_values" integer NOT NULL DEFAULT '0', "superseded_by" uuid, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_10b3be95b8b2fb1e482e07d706b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_8d4dbe439c5537324149ad8019" ON "submissions" ("organisation_code", "sha256")`);
    await q.query(`ALTER TABLE "site_municipalities" ADD CONSTRAINT "FK_6462f07bdc048d716c7253a1f38" FOREIGN KEY ("site_code") REFERENCES "sites"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "site_partners" ADD CONSTRAINT "FK_fe74b79a2c81fc9f0d847c0cd16" FOREIGN KEY ("site_code") REFERENCES "sites"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "site_typology" ADD CONSTRAINT "FK_ccbf647568a9cb31ce9860e5021" FOREIGN KEY ("site_code") REFERENCES "sites"("code") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "municipalities" ADD CONSTRAINT "FK_municipalities_region" FOREIGN KEY ("region_code") REFERENCES "regions"("code")`);
    await q.query(`ALTER TABLE "municipalities" ADD CONSTRAINT "FK_municipalities_province" FOREIGN KEY ("province_code") REFERENCES "provinces"("code")`);
    await q.query(`ALTER TABLE "organisations" ADD CONSTRAINT "FK_organisations_municipality" FOREIGN KEY ("municipality_code") REFERENCES "municipalities"("code")`);
    await q.query(`ALTER TABLE "organisations" ADD CONSTRAINT "FK_organisations_region" FOREIGN KEY ("region_code") REFERENCES "regions"("code")`);
    await q.query(`ALTER TABLE "sites" ADD CONSTRAINT "FK_sites_region" FOREIGN KEY ("region_code") REFERENCES "regions"("code")`);
    await q.query(`ALTER TABLE "site_municipalities" ADD CONSTRAINT "FK_site_municipalities_municipality" FOREIGN KEY ("municipality_code") REFERENCES "municipalities"("code")`);
    await q.query(`ALTER TABLE "site_partners" ADD CONSTRAINT "FK_site_partners_organisation" FOREIGN KEY ("organisation_code") REFERENCES "organisations"("code")`);
    await q.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "FK_api_keys_organisation" FOREIGN KEY ("organisation_code") REFERENCES "organisations"("code")`);
    await q.query(`CREATE INDEX "IDX_submissions_status" ON "submissions" ("status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "submissions" CASCADE`);
    await q.query(`DROP TABLE "releases" CASCADE`);
    await q.query(`DROP TABLE "site_typology" CASCADE`);
    await q.query(`DROP TABLE "site_partners" CASCADE`);
    await q.query(`DROP TABLE "site_municipalities" CASCADE`);
    await q.query(`DROP TABLE "sites" CASCADE`);
    await q.query(`DROP TABLE "api_keys" CASCADE`);
    await q.query(`DROP TABLE "organisations" CASCADE`);
    await q.query(`DROP TABLE "audit_events" CASCADE`);
    await q.query(`DROP TABLE "municipalities" CASCADE`);
    await q.query(`DROP TABLE "provinces" CASCADE`);
    await q.query(`DROP TABLE "regions" CASCADE`);
  }
}
