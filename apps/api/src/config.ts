/** Runtime configuration from the environment, read once at start-up. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Mode = 'demo' | 'production';

export interface AppConfig {
  port: number;
  dataDir: string;
  databaseUrl: string | null; // null: embedded PGlite under dataDir
  mode: Mode;
  maxUploadBytes: number;
  minDenominator: number;
  webDir: string | null; // built dashboard to serve at '/', null to serve none
  geoDir: string | null; // a folder of boundary TopoJSON served at /geo/ (development and tests)
  loadDemo: boolean; // load and publish the demo set on first start when stores are empty
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const mode = (env.UITKOMST_MODE ?? 'demo') as Mode;
  if (mode !== 'demo' && mode !== 'production') throw new Error(`UITKOMST_MODE must be demo or production, not "${mode}"`);
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  return {
    port: Number(env.PORT ?? 3000),
    dataDir,
    databaseUrl: env.DATABASE_URL || null,
    mode,
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 200 * 1024 * 1024),
    minDenominator: Number(env.MIN_DENOMINATOR ?? 10),
    webDir: env.WEB_DIR ?? path.resolve(__dirname, '../../web/dist'),
    geoDir: env.GEO_DIR ?? defaultGeoDir(),
    loadDemo: mode === 'demo' && env.UITKOMST_LOAD_DEMO !== 'false',
    ...overrides,
  };
}

/** The workplace's shared boundary files beside the checkout, when present; boundaries are not shipped. */
function defaultGeoDir(): string | null {
  const dir = path.resolve(__dirname, '../../../../shared/geo');
  return fs.existsSync(path.join(dir, 'arbeidsmarktregio_2025.topojson')) ? dir : null;
}
