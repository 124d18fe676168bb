import { PackedPartition, isSorted } from '../src/query/partition-cache';
import type { MetricRow } from '../src/query/metric-rows';

const row = (unit: string, clientGroup: string, value: number | string | null, suppressed: boolean | null, name: string | null) =>
  ({ metric: 'outflow_to_work', unit, unitName: name, clientGroup, value, suppressed, denominator: value === null ? null : 40 } as unknown as MetricRow);

describe('a packed partition', () => {
  const rows = [
    row('GM0363', 'all', 0.25, false, 'Amsterdam'), row('GM0363', 'ww', null, true, 'Amsterdam'),
    row('GM0014', 'all', -0, null, null), row('GM0014', 'ww', 'NaN', false, 'Groningen'),
  ];
  const copy = structuredClone(rows);
  const p = PackedPartition.fromRows(rows);

  it('gives back every row as it was loaded, fields in the same order, numbers, nulls, booleans and texts exact', () => {
    expect(p.size).toBe(4);
    expect(p.rows).toEqual(copy);
    expect(p.rows.map((r) => Object.keys(r))).toEqual(copy.map((r) => Object.keys(r)));
    expect(Object.is(p.rows[2].value, -0)).toBe(true);
    expect(p.rows[3].value as unknown).toBe('NaN');
  });

  it('gives the rows of one unit, in load order, and nothing for an unknown unit', () => {
    expect(p.rowsOf('GM0014', [])).toEqual([copy[2], copy[3]]);
    expect(p.rowsOf('GM0363', []).map((r) => r.clientGroup)).toEqual(['all', 'ww']);
    expect(p.rowsOf('GM9999', [])).toEqual([]);
  });

  it('makes only the rows of the units and client groups asked for, exact and in load order', () => {
    expect(p.rowsOf('GM0363', ['ww'])).toEqual([copy[1]]);
    expect(p.rowsOf('GM0014', ['ww', 'all'])).toEqual([copy[2], copy[3]]);
    expect(p.rowsOf('GM0014', [])).toEqual([copy[2], copy[3]]);
    expect(p.rowsOf(null, ['all'])).toEqual([copy[0], copy[2]]);
    expect(p.rowsOf(null, [])).toEqual(copy);
    expect(p.rowsOf('GM0363', ['jong'])).toEqual([]);
    expect(p.rowsOf('GM9999', ['all'])).toEqual([]);
    expect(Object.keys(p.rowsOf('GM0014', ['all'])[0])).toEqual(Object.keys(copy[2]));
    expect(Object.is(p.rowsOf('GM0014', ['all'])[0].value, -0)).toBe(true);
  });

  it('picks only the fields asked for, in that order, after a lead, as { ...lead, ...picked fields of the row }', () => {
    expect(p.pick('GM0014', ['all'], ['value', 'unit'])).toEqual([{ value: -0, unit: 'GM0014' }]);
    expect(Object.keys(p.pick('GM0014', ['all'], ['value', 'unit'])[0])).toEqual(['value', 'unit']);
    expect(Object.is(p.pick('GM0014', ['all'], ['value'])[0].value, -0)).toBe(true);
    const led = p.pick('GM0363', [], ['unit', 'suppressed', 'unitName'], { rank: 1, distance: 0.25 });
    expect(led).toEqual([
      { rank: 1, distance: 0.25, unit: 'GM0363', suppressed: false, unitName: 'Amsterdam' },
      { rank: 1, distance: 0.25, unit: 'GM0363', suppressed: true, unitName: 'Amsterdam' },
    ]);
    expect(Object.keys(led[0])).toEqual(['rank', 'distance', 'unit', 'suppressed', 'unitName']);
    // A lead field the row has: the row's value when picked, the lead's when not.
    expect(p.pick('GM0363', ['all'], ['unit', 'value'], { value: 7 })).toEqual([{ value: 0.25, unit: 'GM0363' }]);
    expect(p.pick('GM0363', ['all'], ['unit'], { value: 7 })).toEqual([{ value: 7, unit: 'GM0363' }]);
    expect(p.pick('GM0363', ['jong'], ['unit'])).toEqual([]);
    expect(p.pick(null, ['ww'], ['unit', 'denominator'])).toEqual([{ unit: 'GM0363', denominator: null }, { unit: 'GM0014', denominator: 40 }]);
    // Whole rows are unchanged by the picks before.
    expect(p.rowsOf('GM0363', ['all'], { rank: 1 })).toEqual([{ rank: 1, ...copy[0] }]);
  });

  it('gives each request rows of its own, so that a caller changing one does not change the partition', () => {
    const first = p.rowsOf('GM0363', ['all'])[0];
    (first as { value: unknown }).value = 99;
    expect(p.rowsOf('GM0363', ['all'])[0].value).toBe(0.25);
  });

  it('puts the fields of a lead first in each row, and the row\'s own values after them', () => {
    const led = p.rowsOf('GM0014', [], { rank: 2, distance: 0.5 });
    expect(led).toEqual([{ rank: 2, distance: 0.5, ...copy[2] }, { rank: 2, distance: 0.5, ...copy[3] }]);
    expect(Object.keys(led[0])).toEqual(['rank', 'distance', ...Object.keys(copy[2])]);
    expect(Object.is(led[0].value, -0)).toBe(true);
    // A lead field named like a row field is overwritten by the row, as in { ...lead, ...row }.
    const clash = p.rowsOf('GM0363', ['all'], { rank: 1, value: 7 })[0];
    expect(clash).toEqual({ ...{ rank: 1, value: 7 }, ...copy[0] });
    expect(Object.keys(clash)).toEqual(Object.keys({ ...{ rank: 1, value: 7 }, ...copy[0] }));
    // Rows asked for without a lead stay as they were.
    expect(p.rowsOf('GM0014', [])).toEqual([copy[2], copy[3]]);
    expect(p.rowsOf(null, [], { rank: 3 }).map((r) => r.rank)).toEqual([3, 3, 3, 3]);
    expect(p.rows).toEqual(copy);
  });

  it('gives each partition its own values where partitions share a layout of fields, and keeps a field\'s kind per partition', () => {
    const other = [row('GM0363', 'all', 0.75, true, 'Amsterdam'), row('GM0014', 'ww', 3, false, 'Groningen')];
    const q = PackedPartition.fromRows(structuredClone(other));
    const noNames = [row('GM0363', 'all', 1, false, null)];
    const r = PackedPartition.fromRows(structuredClone(noNames)); // unitName only null: a column of another kind
    for (let k = 0; k < 3; k++) {
      expect(q.rowsOf('GM0363', ['all'], { rank: k })).toEqual([{ rank: k, ...other[0] }]);
      expect(p.rowsOf('GM0363', ['all'], { rank: k })).toEqual([{ rank: k, ...copy[0] }]);
      expect(r.rowsOf('GM0363', ['all'])).toEqual(noNames);
    }
    expect(q.rows).toEqual(other);
    expect(p.rows).toEqual(copy);
  });

  it('takes only plain identifiers as field names, since they are written into the row builder\'s code', () => {
    const odd = PackedPartition.fromRows([{ 'x": 1}); throw 1; ({"y': 1 } as unknown as MetricRow]);
    expect(() => odd.rows).toThrow(/plain identifier/);
    const ownProto = JSON.parse('{"__proto__": 1}') as object; // an own field named __proto__
    expect(Object.keys(ownProto)).toEqual(['__proto__']);
    expect(() => p.rowsOf('GM0363', [], ownProto)).toThrow(/plain identifier/);
  });

  it('finds the rows of a unit wherever they are in the load, in load order', () => {
    const mixed = [row('GM0363', 'all', 1, false, 'A'), row('GM0014', 'all', 2, false, 'G'), row('GM0363', 'ww', 3, false, 'A'), row('GM0014', 'ww', 4, false, 'G')];
    const q = PackedPartition.fromRows(structuredClone(mixed));
    expect(q.rowsOf('GM0363', []).map((r) => r.value)).toEqual([1, 3]);
    expect(q.rowsOf('GM0014', ['ww']).map((r) => r.value)).toEqual([4]);
  });

  it('keeps more distinct texts than a 16-bit code can number', () => {
    const many = Array.from({ length: 70_000 }, (_, i) => row(`U${i}`, i % 2 ? 'ww' : 'all', i, false, `name ${i}`));
    const q = PackedPartition.fromRows(many);
    for (const i of [0, 65_535, 65_536, 69_999]) expect(q.rowsOf(`U${i}`, [])).toEqual([row(`U${i}`, i % 2 ? 'ww' : 'all', i, false, `name ${i}`)]);
    expect(q.rowsOf(null, ['ww']).length).toBe(35_000);
  });
});

describe('whether a scanned partition is already in ORDER BY order', () => {
  it('compares key by key, the next key only on ties, nulls last', () => {
    expect(isSorted([['GM0014', 'GM0014', 'GM0363'], ['all', 'ww', 'all']])).toBe(true);
    expect(isSorted([['GM0014', 'GM0363', 'GM0014'], ['all', 'all', 'ww']])).toBe(false);
    expect(isSorted([['GM0014', 'GM0014'], ['ww', 'all']])).toBe(false);
    expect(isSorted([['GM0014', 'GM0014', null], ['all', null, 'all']])).toBe(true);
    expect(isSorted([[null, 'GM0014'], ['all', 'all']])).toBe(false);
    expect(isSorted([[], []])).toBe(true);
  });

  it('leaves the sorting to DuckDB for texts outside ASCII, numbers and missing key columns', () => {
    expect(isSorted([['Aa', 'Áa']])).toBe(false);
    expect(isSorted([[1, 2]])).toBe(false);
    expect(isSorted([['a'], undefined])).toBe(false);
  });
});
