/** Demo mode: a generated registry, one key per organisation, the demo facts, and a first release. */
import { INestApplicationContext, Logger } from '@nestjs/common';
import { generateRegistry, writeDemoSet } from '@uitkomst/fixtures';
import * as path from 'node:path';
import { SYSTEM_ACTOR } from '../audit/audit.service';
import { ApiKeysService } from '../auth/api-keys.service';
import { IngestionService } from '../ingestion/ingestion.service';
import { MetricsService } from '../metrics/metrics.service';
import type { AppConfig } from '../config';
import { Site } from '../registry/entities/site.entity';
import { RegistryService } from '../registry/registry.service';
import { ReleasesService } from '../releases/releases.service';
import { DemoKeys, writeDemoKeys } from './first-start';

const log = new Logger('DemoData');

export async function loadDemoData(app: INestApplicationContext, config: AppConfig) {
  const registry = app.get(RegistryService);
  const keys = app.get(ApiKeysService);
  if ((await registry.db.getRepository(Site).count()) > 0) return;
  const seed = generateRegistry({});
  await registry.importRegistry(SYSTEM_ACTOR, seed);
  const admin = await keys.create(SYSTEM_ACTOR, { role: 'admin', label: 'demo admin', demo: true });
  const submitters: DemoKeys['submitters'] = [];
  // A few at a time: each key's scrypt hash takes tens of milliseconds on libuv's thread pool.
  for (let i = 0; i < seed.organisations.length; i += 4) {
    const batch = seed.organisations.slice(i, i + 4);
    const issued = await Promise.all(batch.map((org) => keys.create(SYSTEM_ACTOR, { role: 'submitter', organisationCode: org.code, label: `demo ${org.name}`, demo: true })));
    batch.forEach((org, j) => submitters.push({ organisation: org.code, key: issued[j].key, sites: seed.sites.filter((s) => s.partnerCodes.includes(org.code)).map((s) => s.code) }));
  }
  const file = writeDemoKeys(config, { admin: admin.key, submitters });
  log.log(`demo registry: ${seed.organisations.length} organisations, ${seed.sites.length} sites; keys in ${file}`);
  // One metrics build for the whole demo set: publishing builds the marts itself.
  await app.get(MetricsService).deferringBuilds(async () => {
    await ingestDemoFacts(app, config, { id: admin.id, role: 'admin', organisationCode: null });
    await publishFirstDemoRelease(app);
  });
}

/** Builds the metrics and publishes release 1 of the demo facts, unless a release exists already. */
async function publishFirstDemoRelease(app: INestApplicationContext) {
  const releases = app.get(ReleasesService);
  if (await releases.latest()) return;
  const started = Date.now();
  const release = await releases.publish(SYSTEM_ACTOR, 'Demo data (synthetic)');
  const rows = release.manifest?.files.find((f) => f.table === 'metrics')?.rows;
  log.log(`demo release ${release.id} published: ${rows} metric rows in ${Date.now() - started} ms`);
}

/** Writes the demo facts (wide CSV, one file per year) and submits each through the ingestion path as the demo admin. */
async function ingestDemoFacts(app: INestApplicationContext, config: AppConfig, adminKey: { id: string; role: 'admin'; organisationCode: null }) {
  const ingestion = app.get(IngestionService);
  const outDir = path.join(config.dataDir, 'demo');
  const written = (await writeDemoSet({ outDir, layout: 'wide', splitBy: 'year' })).filter((f) => f.kind === 'facts');
  log.log(`demo facts: ${written.length} files in ${outDir}`);
  for (const [i, f] of written.entries()) {
    const started = Date.now();
    const s = await ingestion.submitFile({ key: adminKey, filePath: f.file, contentType: 'text/csv', filename: path.basename(f.file) });
    log.log(`demo facts ${i + 1}/${written.length} ${path.basename(f.file)}: ${s.status}, ${s.valueCount ?? 0} values in ${Date.now() - started} ms`);
    if (s.status !== 'accepted') {
      log.error(`demo file ${f.file} was rejected (${s.errorCount} errors), first: ${JSON.stringify(s.errorsSample.slice(0, 5))}`);
    }
  }
}
