/**
 * Released data, ready to query: each release's Parquet files are verified against the manifest, then
 * loaded once into tables of a private in-memory DuckDB (one schema per release, sorted by metric, level,
 * grain, period), never the live marts. Queries run on a small pool of connections.
 */
import { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { duckdbSettings, WarehouseOptions } from '@uitkomst/warehouse';
import * as os from 'node:os';
import * as path from 'node:path';
import { RELEASE_TABLES, ReleaseManifest, ReleaseTable, TABLE_SPECS } from '../releases/release-manifest';
import { PartitionCache } from './partition-cache';

export interface LoadedRelease {
  id: string;
  schema: string; // r_2026_1
  manifest: ReleaseManifest;
  columns: Record<ReleaseTable, Map<string, string>>; // column -> DuckDB type
  metrics: string[];
  unitLevel: Map<string, string>; // unit -> level
  unitsByLevel: Map<string, string[]>;
  periodsByGrain: Map<string, string[]>;
  clientGroups: string[];
  dimensions: string[];
  latestYear: string | null;
}

export interface PeerLink { peerCode: string; rank: number; distance: number }

const POOL_SIZE = Number(process.env.QUERY_CONNECTIONS ?? 8);
const MAX_LOADED = 4;
const sqlPath = (file: string) => `'${file.replace(/'/g, "''")}'`;

export class ReleaseStore {
  private instance: DuckDBInstance | null = null;
  private idle: DuckDBConnection[] = [];
  private waiting: ((c: DuckDBConnection) => void)[] = [];
  private loaded = new Map<string, Promise<LoadedRelease>>();
  readonly partitions = new PartitionCache(this);
  private peers = new Map<string, Promise<Map<string, PeerLink[]>>>();

  /** DUCKDB_MEMORY_LIMIT and DUCKDB_THREADS apply here as to the warehouse; threads default to the cores (queries run side by side on the pool). */
  constructor(private readonly options: WarehouseOptions = {}) {}

  private async open(): Promise<void> {
    if (this.instance) return;
    this.instance = await DuckDBInstance.create(':memory:', duckdbSettings({ ...this.options, threads: this.options.threads ?? os.availableParallelism() }));
    for (let i = 0; i < POOL_SIZE; i++) this.idle.push(await this.instance.connect());
  }

  private opening: Promise<void> | null = null;

  private async acquire(): Promise<DuckDBConnection> {
    if (!this.instance) await (this.opening ??= this.open());
    const conn = this.idle.pop();
    if (conn) return conn;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(conn: DuckDBConnection) {
    const next = this.waiting.shift();
    if (next) next(conn);
    else this.idle.push(conn);
  }

  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  /** A connection of its own for a long-running export, so slow downloads never starve the query pool. */
  async withDedicatedConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.instance) await (this.opening ??= this.open());
    const conn = await this.instance!.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Parameterised query returning JSON-friendly rows. */
  query<T = Record<string, unknown>>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return this.withConnection(async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJson() as T[]);
  }

  /** Parameterised query returning its columns (JSON-friendly values, as `query` gives them), without row objects. */
  queryColumns(sql: string, params: DuckDBValue[] = []): Promise<{ fields: string[]; values: unknown[][] }> {
    return this.withConnection(async (conn) => {
      const reader = await conn.runAndReadAll(sql, params);
      return { fields: reader.columnNames(), values: reader.getColumnsJson() as unknown[][] };
    });
  }

  /** Loads a verified release once; concurrent callers share the load. */
  load(manifest: ReleaseManifest, dir: string): Promise<LoadedRelease> {
    let loading = this.loaded.get(manifest.id);
    if (!loading) {
      loading = this.loadNow(manifest, dir);
      loading.catch(() => this.loaded.delete(manifest.id));
      this.loaded.set(manifest.id, loading);
      void this.evict();
    }
    return loading;
  }

  /** Peer links of a municipality, most similar first (the whole peers table is read once per release). */
  async peersOf(rel: LoadedRelease, municipality: string): Promise<PeerLink[]> {
    let all = this.peers.get(rel.id);
    if (!all) {
      all = this.query<PeerLink & { municipality: string }>(
        `SELECT municipality_code AS municipality, peer_code AS "peerCode", CAST(rank AS DOUBLE) AS rank, CAST(distance AS DOUBLE) AS distance FROM ${rel.schema}.peers ORDER BY municipality_code, rank`)
        .then((rows) => {
          const map = new Map<string, PeerLink[]>();
          for (const { municipality: m, ...link } of rows) map.set(m, [...(map.get(m) ?? []), link]);
          return map;
        });
      this.peers.set(rel.id, all);
    }
    return (await all).get(municipality) ?? [];
  }

  /** The release when it is loaded or loading, else undefined. */
  loadedRelease(id: string): Promise<LoadedRelease> | undefined {
    return this.loaded.get(id);
  }

  private async evict() {
    while (this.loaded.size > MAX_LOADED) {
      const [oldest] = this.loaded.keys();
      const loading = this.loaded.get(oldest)!;
      this.loaded.delete(oldest);
      this.peers.delete(oldest);
      const rel = await loading.catch(() => null);
      if (rel) await this.withConnection((c) => c.run(`DROP SCHEMA IF EXISTS ${rel.schema} CASCADE`));
    }
  }

  private async loadNow(manifest: ReleaseManifest, dir: string): Promise<LoadedRelease> {
    const schema = `r_${manifest.id.replace('.', '_')}`;
    if (!/^r_\d{4}_\d+$/.test(schema)) throw new Error(`invalid release id ${manifest.id}`);
    const columns = {} as LoadedRelease['columns'];
    await this.withConnection(async (conn) => {
      await conn.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await conn.run(`CREATE SCHEMA ${schema}`);
      for (const table of RELEASE_TABLES) {
        const spec = TABLE_SPECS[table];
        const file = manifest.files.find((f) => f.table === table);
        if (!file) throw new Error(`release ${manifest.id} has no ${table} file`);
        const cols = new Map((file.columns ?? []).map((c) => [c.name, c.type]));
        const order = spec.order.filter((c) => cols.has(c)).map((c) => `"${c}"`);
        await conn.run(`CREATE TABLE ${schema}.${table} AS SELECT * FROM read_parquet(${sqlPath(path.join(dir, file.name))})${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`);
        columns[table] = cols;
      }
    });
    const m = `${schema}.metrics`;
    const [units, periods, groups, metrics, dims] = await Promise.all([
      this.query<{ level: string; unit: string }>(`SELECT DISTINCT level, unit FROM ${m} ORDER BY level, unit`),
      this.query<{ grain: string; period: string }>(`SELECT DISTINCT grain, period FROM ${m} ORDER BY grain, period`),
      this.query<{ client_group: string }>(`SELECT DISTINCT client_group FROM ${m} ORDER BY client_group`),
      this.query<{ metric: string }>(`SELECT DISTINCT metric FROM ${m} ORDER BY metric`),
      this.query<{ dimension: string }>(`SELECT DISTINCT dimension FROM ${schema}.typology WHERE dimension IS NOT NULL ORDER BY dimension`),
    ]);
    const unitsByLevel = new Map<string, string[]>();
    for (const u of units) unitsByLevel.set(u.level, [...(unitsByLevel.get(u.level) ?? []), u.unit]);
    const periodsByGrain = new Map<string, string[]>();
    for (const p of periods) periodsByGrain.set(p.grain, [...(periodsByGrain.get(p.grain) ?? []), p.period]);
    const years = periodsByGrain.get('year') ?? [];
    return {
      id: manifest.id, schema, manifest, columns,
      metrics: metrics.map((r) => r.metric),
      unitLevel: new Map(units.map((u) => [u.unit, u.level])),
      unitsByLevel, periodsByGrain,
      clientGroups: groups.map((g) => g.client_group),
      dimensions: dims.map((d) => d.dimension),
      latestYear: years.length ? years[years.length - 1] : null,
    };
  }

  async close() {
    for (const c of this.idle) c.closeSync();
    this.idle = [];
    this.instance?.closeSync();
    this.instance = null;
    this.loaded.clear();
  }
}
