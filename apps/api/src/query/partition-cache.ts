/**
 * Hot-path index over a release's metric rows. DuckDB answers one query in a few milliseconds but does not
 * scale to thousands of point lookups per second, so /metrics, /benchmark and /profile read whole partitions
 * (metric, level, grain, period: every unit and client group), and /trends whole series (metric, level, grain,
 * client group: every unit and period), once from the release tables and keep them in one bounded LRU,
 * indexed by unit. Releases never change, so a partition never goes stale.
 */
import { metricSelect, MetricRow } from './metric-rows';
import type { LoadedRelease, ReleaseStore } from './release-store';

export interface Partition {
  /** Every row, in the order of the load. */
  readonly rows: MetricRow[];
  /**
   * Rows of one unit (every unit when null) in the given client groups (all when none), in load order; `lead`'s
   * fields come first in each row.
   */
  rowsOf<L extends object = object>(unit: string | null, clientGroups: readonly string[], lead?: L): (L & MetricRow)[];
  /** As `rowsOf`, with only the given fields of each row (after `lead`'s), in that order. */
  pick<L extends object, F extends keyof MetricRow>(unit: string | null, clientGroups: readonly string[], fields: readonly F[], lead?: L): (L & Pick<MetricRow, F>)[];
}

/**
 * One field of every row, as a partition is loaded: numbers, booleans or texts (a code per row into the column's
 * distinct texts). The partition keeps the values of each kind row by row (see RowBlock), not column by column.
 */
type Column =
  | { field: string; kind: 'number'; values: readonly unknown[] }
  | { field: string; kind: 'boolean'; values: readonly unknown[] }
  | { field: string; kind: 'text'; codes: number[]; texts: unknown[] };

function columnOf(field: string, values: readonly unknown[]): Column {
  if (values.every((v) => v === null || typeof v === 'number')) return { field, kind: 'number', values };
  if (values.every((v) => v === null || typeof v === 'boolean')) return { field, kind: 'boolean', values };
  const codeOf = new Map<unknown, number>();
  const texts: unknown[] = [];
  const codes = values.map((v) => {
    let code = codeOf.get(v);
    if (code === undefined) {
      code = texts.push(v) - 1;
      codeOf.set(v, code);
    }
    return code;
  });
  return { field, kind: 'text', codes, texts };
}

/** The fields of a partition's rows and the kind of each, in order: what a row builder is generated for. */
type Layout = readonly Pick<Column, 'field' | 'kind'>[];

/**
 * A partition's values row by row, one typed array per kind: a row's numbers side by side in a Float64Array, its
 * flags (a null marker per number, then the booleans: 0 false, 1 true, 2 null) in a Uint8Array, its text codes
 * (into TEXTS) in a Uint16Array or Uint32Array. A `/benchmark` answer reads a dozen rows scattered over thousands of
 * cached partitions: read column by column, each field of such a row was a cache miss of its own; row by row, a
 * row is a few cache lines (docs/performance.md, 2026-12-07). Typed arrays live outside the JavaScript heap, so a
 * cached partition is a handful of objects for the garbage collector to mark.
 */
interface RowBlock { numbers: Float64Array; flags: Uint8Array; codes: Uint16Array | Uint32Array }

/**
 * Every distinct text of every cached partition, once: codes in a row block point here. The same few thousand texts
 * (metric, unit and period codes, unit names, dates) recur in every partition; kept once they stay in the CPU's
 * cache, where a dictionary per partition and column cost a cache miss or two per text field of each row read.
 * Texts are kept for the life of the process: as many as the distinct texts of the releases it serves.
 */
const TEXTS: unknown[] = [];
const TEXT_CODES = new Map<unknown, number>();

function textCode(text: unknown): number {
  let code = TEXT_CODES.get(text);
  if (code === undefined) {
    code = TEXTS.push(text) - 1;
    TEXT_CODES.set(text, code);
  }
  return code;
}

/** Where each column's value sits within a row of the block: its slot among the row's numbers, flags or codes. */
function slotsOf(columns: Layout): { stride: { numbers: number; flags: number; codes: number }; slot: number[] } {
  const numbers = columns.filter((c) => c.kind === 'number').length;
  let n = 0;
  let b = numbers;
  let t = 0;
  const slot = columns.map((c) => (c.kind === 'number' ? n++ : c.kind === 'boolean' ? b++ : t++));
  return { stride: { numbers, flags: b, codes: t }, slot };
}

function rowBlockOf(columns: readonly Column[], size: number): RowBlock {
  const { stride, slot } = slotsOf(columns);
  const numbers = new Float64Array(size * stride.numbers);
  const flags = new Uint8Array(size * stride.flags);
  const shared = columns.map((c) => (c.kind === 'text' ? c.texts.map(textCode) : []));
  const codes = TEXTS.length <= 0x10000 ? new Uint16Array(size * stride.codes) : new Uint32Array(size * stride.codes);
  columns.forEach((c, k) => {
    const at = slot[k];
    if (c.kind === 'number') {
      c.values.forEach((v, i) => (v === null ? (flags[i * stride.flags + at] = 1) : (numbers[i * stride.numbers + at] = v as number)));
    } else if (c.kind === 'boolean') {
      c.values.forEach((v, i) => (flags[i * stride.flags + at] = v === null ? 2 : v ? 1 : 0));
    } else {
      c.codes.forEach((code, i) => (codes[i * stride.codes + at] = shared[k][code]));
    }
  });
  return { numbers, flags, codes };
}

/**
 * Rows of each unit: the row numbers grouped by unit (in load order within a unit) and where each unit's group
 * starts, in two typed arrays instead of an array per unit.
 */
interface UnitIndex { codeOf: Map<unknown, number>; starts: Uint32Array; rows: Uint32Array }

function unitIndexOf(unit: Column | undefined, size: number): UnitIndex {
  if (!unit || unit.kind !== 'text') return { codeOf: new Map(), starts: new Uint32Array(1), rows: new Uint32Array(0) };
  const starts = new Uint32Array(unit.texts.length + 1);
  for (let i = 0; i < size; i++) starts[unit.codes[i] + 1]++;
  for (let k = 0; k < unit.texts.length; k++) starts[k + 1] += starts[k];
  const next = starts.slice(0, -1);
  const rows = new Uint32Array(size);
  for (let i = 0; i < size; i++) rows[next[unit.codes[i]]++] = i;
  return { codeOf: new Map(unit.texts.map((t, k) => [t, k])), starts, rows };
}

/** Makes row `i` from a partition's row block (`arraysOf`), `lead`'s fields first. */
type RowBuilder = (arrays: readonly unknown[], i: number, lead?: object) => MetricRow;

/** What the row builders read: the block's numbers, flags and codes, and the texts the codes point to. */
function arraysOf(block: RowBlock): unknown[] {
  return [block.numbers, block.flags, block.codes, TEXTS];
}

/**
 * The expression that reads a column's value of row `i` from the arrays of `arraysOf`, where `n`, `f` and `c` are
 * where row `i` starts among the numbers, flags and codes: what the row builders are made of.
 */
function accessesOf(columns: Layout): Map<string, string> {
  const { slot } = slotsOf(columns);
  return new Map(columns.map((col, k) => {
    const at = slot[k];
    if (col.kind === 'number') return [col.field, `(a[1][f + ${at}] ? null : a[0][n + ${at}])`];
    if (col.kind === 'boolean') return [col.field, `(a[1][f + ${at}] === 2 ? null : a[1][f + ${at}] === 1)`];
    return [col.field, `a[3][a[2][c + ${at}]]`];
  }));
}

const sharedBuilders = new Map<string, RowBuilder>();

/**
 * A function that makes a row as one object literal with every field (`lead`'s keys first), generated once for
 * each layout of columns (names and kinds) and lead keys and shared by every partition with that layout. V8
 * then creates each row in its final shape with one store per field, and, since all partitions of a release
 * share a handful of layouts, the few builders run often enough to be optimised (one builder per partition
 * stayed in the interpreter: 9 % of the main thread on new `/benchmark` answers). Only the field names become
 * code, and only plain identifiers; the data comes in as arguments.
 */
function rowBuilderOf(columns: Layout, leadKeys: readonly string[], fields?: readonly string[]): RowBuilder {
  const layout = `${columns.map((c) => `${c.field}:${c.kind}`).join(',')}|${leadKeys.join(',')}|${fields?.join(',') ?? '*'}`;
  let builder = sharedBuilders.get(layout);
  if (builder) return builder;
  for (const name of [...leadKeys, ...columns.map((c) => c.field), ...(fields ?? [])]) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === '__proto__') throw new Error(`a row field must be a plain identifier: ${JSON.stringify(name)}`);
  }
  const expressionOf = accessesOf(columns);
  const { stride } = slotsOf(columns);
  // As { ...lead, ...row }: a lead field that the row has too takes the row's value.
  const fromRow = (k: string) => (!fields || fields.includes(k)) && expressionOf.has(k);
  const lead = leadKeys.map((k) => `${k}: ${fromRow(k) ? expressionOf.get(k) : `lead.${k}`}`);
  const own = (fields ?? columns.map((c) => c.field)).filter((f) => !leadKeys.includes(f)).map((f) => `${f}: ${expressionOf.get(f) ?? 'null'}`);
  const starts = `const n = i * ${stride.numbers}, f = i * ${stride.flags}, c = i * ${stride.codes};`;
  builder = new Function('a', 'i', 'lead', `${starts} return { ${[...lead, ...own].join(', ')} };`) as RowBuilder;
  sharedBuilders.set(layout, builder);
  return builder;
}

/**
 * A partition's rows packed in a RowBlock, not kept as row objects: a cached partition is then a few arrays instead
 * of thousands of objects with a string or number each per field, which every full garbage collection had to mark
 * (a third of the main thread on the full release, docs/performance.md). Row objects are made when asked for,
 * in the fields' order; all rows only once, when a view needs every row. (Until 2026-12-07 ColumnarPartition,
 * which kept the values column by column.)
 */
export class PackedPartition implements Partition {
  private readonly layout: Layout;
  private readonly arrays: unknown[]; // what the row builders read (arraysOf)
  private readonly groupCodes: Uint16Array | Uint32Array | null; // the client group column's codes, when it has texts
  private readonly groupCodeOf: Map<unknown, number> | null; // null when there is no client group column
  private readonly units: UnitIndex;
  private all: MetricRow[] | null = null;
  // Row builders by the fields asked for (the list itself; null: all) and then by the lead's keys.
  private readonly builders = new Map<readonly string[] | null, Map<string, RowBuilder>>();
  readonly size: number;

  /** From a query's columns (field names and one array of values per field, as DuckDB gives them). */
  constructor(fields: readonly string[], values: readonly (readonly unknown[])[]) {
    this.size = values[0]?.length ?? 0;
    const columns = this.size ? fields.map((field, k) => columnOf(field, values[k])) : [];
    this.layout = columns.map(({ field, kind }) => ({ field, kind }));
    this.arrays = arraysOf(rowBlockOf(columns, this.size));
    const groups = columns.find((c) => c.field === 'clientGroup');
    this.groupCodes = groups?.kind === 'text' ? (groups.texts.length <= 0x10000 ? Uint16Array.from(groups.codes) : Uint32Array.from(groups.codes)) : null;
    this.groupCodeOf = !groups ? null : new Map(groups.kind === 'text' ? groups.texts.map((t, k) => [t, k]) : []);
    this.units = unitIndexOf(columns.find((c) => c.field === 'unit'), this.size);
  }

  /** From row objects, all with the same fields in the same order. */
  static fromRows(rows: readonly MetricRow[]): PackedPartition {
    const fields = rows.length ? Object.keys(rows[0]) : [];
    return new PackedPartition(fields, fields.map((f) => rows.map((r) => (r as unknown as Record<string, unknown>)[f])));
  }

  get rows(): MetricRow[] {
    if (!this.all) {
      const row = this.builderFor(undefined);
      this.all = Array.from({ length: this.size }, (_, i) => row(this.arrays, i));
    }
    return this.all;
  }

  // Only the rows asked for become objects: a unit has a row per client group, and most requests want one.
  rowsOf<L extends object = object>(unit: string | null, clientGroups: readonly string[], lead?: L): (L & MetricRow)[] {
    if (unit === null && !clientGroups.length && !lead) return this.rows as (L & MetricRow)[];
    return this.rowsWith(unit, clientGroups, this.builderFor(lead), lead) as (L & MetricRow)[];
  }

  pick<L extends object, F extends keyof MetricRow>(unit: string | null, clientGroups: readonly string[], fields: readonly F[], lead?: L): (L & Pick<MetricRow, F>)[] {
    return this.rowsWith(unit, clientGroups, this.builderFor(lead, fields), lead) as (L & Pick<MetricRow, F>)[];
  }

  private rowsWith(unit: string | null, clientGroups: readonly string[], row: RowBuilder, lead: object | undefined): object[] {
    // The codes of the client groups asked for (null: every row); a group the partition lacks matches nothing.
    let groups: number[] | null = null;
    if (clientGroups.length && this.groupCodeOf) {
      groups = [];
      for (const g of clientGroups) {
        const code = this.groupCodeOf.get(g);
        if (code !== undefined) groups.push(code);
      }
      if (!groups.length) return [];
    }
    let from = 0;
    let to = this.size;
    let order: Uint32Array | null = null;
    if (unit !== null) {
      const code = this.units.codeOf.get(unit);
      if (code === undefined) return [];
      from = this.units.starts[code];
      to = this.units.starts[code + 1];
      order = this.units.rows;
    }
    const out: object[] = [];
    for (let k = from; k < to; k++) {
      const i = order ? order[k] : k;
      if (!groups || groups.includes(this.groupCodes![i])) out.push(row(this.arrays, i, lead));
    }
    return out;
  }

  private builderFor(lead: object | undefined, fields: readonly string[] | null = null): RowBuilder {
    let byLead = this.builders.get(fields);
    if (!byLead) this.builders.set(fields, (byLead = new Map()));
    const keys = lead ? Object.keys(lead) : [];
    const id = keys.join(',');
    let b = byLead.get(id);
    if (!b) byLead.set(id, (b = rowBuilderOf(this.layout, keys, fields ?? undefined)));
    return b;
  }
}

/**
 * Whether rows are in ascending order of the key columns, as `ORDER BY` sorts them (nulls last). Only printable ASCII texts
 * count as sorted, where JavaScript's comparison is DuckDB's; anything else gets sorted by DuckDB.
 */
export function isSorted(keys: readonly (readonly unknown[] | undefined)[]): boolean {
  if (keys.some((k) => !k || k.some((v) => v !== null && (typeof v !== 'string' || /[^ -~]/.test(v))))) return false;
  const columns = keys as readonly (readonly (string | null)[])[];
  const compare = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  for (let i = 1; i < (columns[0]?.length ?? 0); i++) {
    let c = 0;
    for (const col of columns) if ((c = compare(col[i - 1], col[i])) !== 0) break;
    if (c > 0) return false;
  }
  return true;
}

const MAX_ROWS = Number(process.env.QUERY_PARTITION_ROWS ?? 2_000_000);

export class PartitionCache {
  private entries = new Map<string, { rows: number; partition: Promise<PackedPartition> }>();
  private rows = 0;

  constructor(private readonly store: ReleaseStore) {}

  /** Every unit and client group of one metric, level, grain and period: /metrics, /benchmark and /profile. */
  get(rel: LoadedRelease, metric: string, level: string, grain: string, period: string): Promise<Partition> {
    return this.cached(`${rel.id}|${metric}|${level}|${grain}|${period}`, () => this.load(rel,
      `metric = ? AND level = ? AND grain = ? AND period = ?`, [metric, level, grain, period], 'unit, client_group', ['unit', 'clientGroup']));
  }

  /** Every unit's series over all periods of one metric, level, grain and client group: /trends. */
  series(rel: LoadedRelease, metric: string, level: string, grain: string, clientGroup: string): Promise<Partition> {
    return this.cached(`${rel.id}|series|${metric}|${level}|${grain}|${clientGroup}`, () => this.load(rel,
      `metric = ? AND level = ? AND grain = ? AND client_group = ?`, [metric, level, grain, clientGroup], 'unit, period_start, period'));
  }

  private cached(key: string, load: () => Promise<PackedPartition>): Promise<PackedPartition> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.partition;
    }
    const entry = { rows: 0, partition: load() };
    this.entries.set(key, entry);
    entry.partition.then((p) => {
      entry.rows = p.size;
      this.rows += p.size;
      this.evict();
    }, () => this.entries.delete(key));
    return entry.partition;
  }

  /**
   * `inTableOrder`: the fields of `order` when the release table is already sorted that way within the partition
   * (metrics are stored by metric, level, grain, period, unit, client group). DuckDB then scans them out in that
   * order and sorting again costs as much as the scan; the order is checked, and asked for when it does not hold.
   */
  private async load(rel: LoadedRelease, where: string, params: string[], order: string, inTableOrder?: string[]): Promise<PackedPartition> {
    const sql = `SELECT ${metricSelect(rel)} FROM ${rel.schema}.metrics WHERE ${where}`;
    if (inTableOrder) {
      const scanned = await this.store.queryColumns(sql, params);
      if (isSorted(inTableOrder.map((f) => scanned.values[scanned.fields.indexOf(f)]))) return new PackedPartition(scanned.fields, scanned.values);
    }
    const { fields, values } = await this.store.queryColumns(`${sql} ORDER BY ${order}`, params);
    return new PackedPartition(fields, values);
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
    return units.length ? units.flatMap((u) => p.rowsOf(u, clientGroups)) : p.rowsOf(null, clientGroups);
  }
}
