/**
 * Hot-path index over a release's metric rows. DuckDB answers one query in a few milliseconds but does not
 * scale to thousands of point lookups per second, so /metrics and /benchmark read whole partitions
 * (metric, level, grain, period: every unit and client group) once from the release tables and keep them
 * in a bounded LRU, indexed by unit. Releases never change, so a partition never goes stale.
 */
import { metricSelect, MetricRow } from './metric-rows';
import type { LoadedRelease, ReleaseStore } from './release-store';

export interface Partition { rows: MetricRow[]; byUnit: Map<string, MetricRow[]> }

const MAX_ROWS = Number(process.env.QUERY_PARTITION_ROWS ?? 2_000_000);

export class PartitionCache {
  private entries = new Map<string, { rows: number; partition: Promise<Partition> }>();
  private rows = 0;

  constructor(private readonly store: ReleaseStore) {}

  get(rel: LoadedRelease, metric: string, level: string, grain: string, period: string): Promise<Partition> {
    const key = `${rel.id}|${metric}|${level}|${grain}|${period}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.partition;
    }
    const entry = { rows: 0, partition: this.load(rel, metric, level, grain, period) };
    this.entries.set(key, entry);
    entry.partition.then((p) => {
      entry.rows = p.rows.length;
      this.rows += p.rows.length;
      this.evict();
    }, () => this.entries.delete(key));
    return entry.partition;
  }

  private async load(rel: LoadedRelease, metric: string, level: string, grain: string, period: string): Promise<Partition> {
    const rows = await this.store.query<MetricRow>(
      `SELECT ${metricSelect(rel)} FROM ${rel.schema}.metrics WHERE metric = ? AND level = ? AND grain = ? AND period = ? ORDER BY unit, client_group`,
      [metric, level, grain, period]);
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
