/** Demo mode: a generated registry, one key per organisation, the demo facts, and a first release. */
import { INestApplicationContext, Logger } from '@nestjs/common';
import { generateRegistry } from '@uitkomst/fixtures';
import { SYSTEM_ACTOR } from '../audit/audit.service';
import { ApiKeysService } from '../auth/api-keys.service';
import type { AppConfig } from '../config';
import { Site } from '../registry/entities/site.entity';
import { RegistryService } from '../registry/registry.service';
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
  for (const org of seed.organisations) {
    const issued = await keys.create(SYSTEM_ACTOR, { role: 'submitter', organisationCode: org.code, label: `demo ${org.name}`, demo: true });
    submitters.push({ organisation: org.code, key: issued.key, sites: seed.sites.filter((s) => s.partnerCodes.includes(org.code)).map((s) => s.code) });
  }
  const file = writeDemoKeys(config, { admin: admin.key, submitters });
  log.log(`demo registry: ${seed.organisations.length} organisations, ${seed.sites.length} sites; keys in ${file}`);
}
