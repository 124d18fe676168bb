/**
 * What happens when the application starts: the CBS reference lists are loaded into an empty registry
 * and production refuses demo keys. Afterwards, demo mode creates the demo registry and keys, loads the
 * demo facts through the ingestion path and publishes them as a first release.
 */
import { INestApplicationContext, Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SYSTEM_ACTOR } from '../audit/audit.service';
import { ApiKeysService } from '../auth/api-keys.service';
import type { AppConfig } from '../config';
import { RegistryService } from '../registry/registry.service';
import { APP_CONFIG } from '../tokens';
import { loadDemoData } from './demo-data';

const log = new Logger('FirstStart');

export interface DemoKeys {
  admin: string;
  submitters: { organisation: string; key: string; sites: string[] }[];
}

export async function runFirstStart(app: INestApplicationContext): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const registry = app.get(RegistryService);
  const keys = app.get(ApiKeysService);
  if (await registry.isEmpty()) {
    await registry.seedReference(SYSTEM_ACTOR);
    log.log('loaded the CBS reference lists (regions, provinces, municipalities with mergers)');
  }
  if (config.mode === 'production') {
    const demoKeys = await keys.countActiveDemoKeys();
    if (demoKeys > 0) throw new Error(`UITKOMST_MODE=production refuses to start: ${demoKeys} demo API key(s) are active; revoke them or use a fresh database`);
  }
}

/** Demo mode: runs after the server listens, so the dashboard can show that demo data is on its way. */
export async function runDemoLoad(app: INestApplicationContext): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  if (config.mode === 'demo' && config.loadDemo) await loadDemoData(app, config);
}

export function writeDemoKeys(config: AppConfig, keys: DemoKeys) {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'demo-keys.json');
  fs.writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return file;
}
