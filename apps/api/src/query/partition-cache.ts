/**
 * Hot-path index over a release's metric rows. DuckDB answers one query in a few milliseconds but does not
 * scale to thousands of point lookups per second, so /metrics, /benchmark and /profile read whole partitions
 * (metric, level, grain, period: every unit and client group), and /trends whole series (metric, level, grain,
 * client group: every unit and period), once from the release tables and keep them in one bounded LRU,
 * indexed by unit. Releases never change, so a partition never goes stale.
 */
import { metricSelect, MetricRow } from './metric-rows';
import type { LoadedRelease, ReleaseStore } from './release-store';

export interface Partition { rows: MetricRow[]; byUnit: Map<string, MetricRow[]> }

const MAX_ROWS = Number(process.env.QUERY_PARTITION_ROWS ?? 2_000_000);

export class PartitionCache {
  private entries = new Map<string, { rows: number; partition: Promise<Partition> }>();
  private rows = 0;

  constructor(private readonly store: ReleaseStore) {}

  /** Every unit and client group of one metric, level, grain and period: /metrics, /benchmark and /profile. */
  get(rel: LoadedRelease, metric: string, level: string, grain: string, period: string): Promise<Partition> {
    return this.cached(`${rel.id}|${metric}|${level}|${grain}|${period}`, () => this.load(rel,
      `metric = ? AND level = ? AND grain = ? AND period = ?`, [metric, level, grain, period], 'unit, client_group'));
  }

  /** Every unit's series over all periods of one metric, level, grain and client group: /trends. */
  series(rel: LoadedRelease, metric: string, level: string, grain: string, clientGroup: string): Promise<Partition> {
    return this.cached(`${rel.id}|series|${metric}|${level}|${grain}|${clientGroup}`, () => this.load(rel,
      `metric = ? AND level = ? AND grain = ? AND client_group = ?`, [metric, level, grain, clientGroup], 'unit, period_start, period'));
  }

  private cached(key: string, load: () => Promise<Partition>): Promise<Partition> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.partition;
    }
    const entry = { rows: 0, partition: load() };
    this.entries.set(key, entry);
    entry.partition.then((p) => {
      entry.rows = p.rows.length;
      this.rows += p.rows.length;
      this.evict();
    }, () => this.entries.delete(key));
    return entry.partition;
  }

  private async load(rel: LoadedRelease, where: string, params: string[], order: string): Promise<Partition> {
    const rows = await this.store.query<MetricRow>(`SELECT ${metricSelect(rel)} FROM ${rel.schema}.metrics WHERE ${where} ORDER BY ${order}`, params);
    const byUnit = new Map<string, MetricRow[]>();
    for (const r of rows) {
      const list = byUnit.get(r.unit);
      if (list) list.push(r);
      else byUnit.set(r.unit, [r]);
    }
    return { rows, byUnit };
  }

  private evict() {
    for (const [key, e] of this.entries) {
      if (this.rows <= MAX_ROWS) break;
      this.entries.delete(key);
      this.rows -= e.rows;
    }
  }

  /** Rows of one partition for some units (all when none given) and client groups, in (unit, client_group) order. */
  static select(p: Partition, units: readonly string[], clientGroups: readonly string[]): MetricRow[] {
    const source = units.length ? units.flatMap((u) => p.byUnit.get(u) ?? []) : p.rows;
    return clientGroups.length ? source.filter((r) => clientGroups.includes(r.clientGroup)) : source;
  }
}
