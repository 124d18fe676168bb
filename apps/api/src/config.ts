/** Runtime configuration from the environment, read once at start-up. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Mode = 'demo' | 'production';

export interface AppConfig {
  port: number;
  host: string; // address to listen on; 0.0.0.0 (every IPv4 interface) unless HOST is set
  dataDir: string;
  databaseUrl: string | null; // null: embedded PGlite under dataDir
  mode: Mode;
  maxUploadBytes: number;
  minDenominator: number;
  webDir: string | null; // built dashboard to serve at '/', null to serve none
  geoDir: string | null; // a folder of boundary TopoJSON served at /geo/ (development and tests)
  loadDemo: boolean; // load and publish the demo set on first start when stores are empty
  corsOrigins: string[]; // exact origins that may call every endpoint from a browser (CORS_ORIGINS, comma-separated)
  corsPublicReads: boolean; // public GET read endpoints answer any origin (no credentials, no Authorization)
  rateLimitPublicPerMinute: number; // public reads per client address and minute; 0 disables
  rateLimitUploadsPerMinute: number; // uploads per API key and minute; 0 disables
  trustProxy: string | number | boolean; // Fastify's trustProxy (as Express's 'trust proxy'): which X-Forwarded-For hops give the client address
  duckdb: { memoryLimit: string | null; threads: number | null }; // DUCKDB_MEMORY_LIMIT ('2GB'), DUCKDB_THREADS; unset: DuckDB's defaults
  readProcesses: number; // READ_PROCESSES: processes beside the main one that serve the public read API (docs/operations.md, Scaling); 0: none
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const mode = (env.UITKOMST_MODE ?? 'demo') as Mode;
  if (mode !== 'demo' && mode !== 'production') throw new Error(`UITKOMST_MODE must be demo or production, not "${mode}"`);
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || null,
    mode,
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 200 * 1024 * 1024),
    minDenominator: Number(env.MIN_DENOMINATOR ?? 10),
    webDir: env.WEB_DIR ?? path.resolve(__dirname, '../../web/dist'),
    geoDir: env.GEO_DIR ?? defaultGeoDir(),
    loadDemo: mode === 'demo' && env.UITKOMST_LOAD_DEMO !== 'false',
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    corsPublicReads: env.CORS_PUBLIC_READS !== 'false',
    rateLimitPublicPerMinute: nonNegative('RATE_LIMIT_PUBLIC_PER_MINUTE', env.RATE_LIMIT_PUBLIC_PER_MINUTE, 1200),
    rateLimitUploadsPerMinute: nonNegative('RATE_LIMIT_UPLOADS_PER_MINUTE', env.RATE_LIMIT_UPLOADS_PER_MINUTE, 60),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    duckdb: { memoryLimit: parseMemoryLimit(env.DUCKDB_MEMORY_LIMIT), threads: positiveOrNull('DUCKDB_THREADS', env.DUCKDB_THREADS) },
    readProcesses: readProcesses(env.READ_PROCESSES),
    ...overrides,
  };
}

/** The workplace's shared boundary files beside the checkout, when present; boundaries are not shipped. */
function defaultGeoDir(): string | null {
  const dir = path.resolve(__dirname, '../../../../shared/geo');
  return fs.existsSync(path.join(dir, 'arbeidsmarktregio_2025.topojson')) ? dir : null;
}

/** '2GB', '512MB', '1.5GiB' (DuckDB's notation) or unset; anything else stops the start with a clear message. */
export function parseMemoryLimit(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  const v = value.trim();
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v)) throw new Error(`DUCKDB_MEMORY_LIMIT must be a size such as 2GB or 512MB, not "${value}"`);
  return v;
}

function positiveOrNull(name: string, value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, not "${value}"`);
  return n;
}

/** `https://a.example, https://b.example` -> exact origins; a wildcard is refused (public reads already allow any origin). */
export function parseOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
  for (const o of origins) {
    if (o === '*' || !/^https?:\/\/[^/\s*]+$/.test(o)) throw new Error(`CORS_ORIGINS must list exact origins such as https://dashboard.example.nl, not "${o}"`);
  }
  return origins;
}

function nonNegative(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of 0 or more (0 disables), not "${value}"`);
  return n;
}

/** READ_PROCESSES: 0 (default) to 16, or `auto` for one per core beyond the first. */
function readProcesses(value: string | undefined): number {
  if (value?.trim() === 'auto') return Math.min(16, os.availableParallelism() - 1);
  const n = nonNegative('READ_PROCESSES', value, 0);
  if (n > 16) throw new Error(`READ_PROCESSES must be at most 16 (or auto), not "${value}"`);
  return n;
}

/** TRUST_PROXY: unset/false (default: the socket address is the client), true, a hop count, or addresses/subnets. */
function parseTrustProxy(value: string | undefined): string | number | boolean {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}
