import { type ReactNode, useState } from 'react';
import { useT } from '../i18n/i18n';

export interface Column<R> {
  key: string;
  label: string;
  sortValue?: (row: R) => number | string | null;
  render: (row: R) => ReactNode;
  numeric?: boolean;
}

type Sort = { key: string; dir: 'asc' | 'desc' } | null;

export function sortRows<R>(rows: readonly R[], columns: readonly Column<R>[], sort: Sort): R[] {
  const col = sort && columns.find((c) => c.key === sort.key);
  if (!col?.sortValue) return [...rows];
  const sign = sort!.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.sortValue!(a), y = col.sortValue!(b);
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1; // missing values last either way
    if (y === null || y === undefined) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sign;
  });
}

/** An accessible table; columns with a sortValue get a sort button in their header. */
export function DataTable<R>({ rows, columns, caption, rowKey, initialSort = null, rowClass, maxHeight }: {
  rows: readonly R[]; columns: readonly Column<R>[]; caption: string; rowKey: (row: R) => string;
  initialSort?: Sort; rowClass?: (row: R) => string | undefined; maxHeight?: number;
}) {
  const { t } = useT();
  const [sort, setSort] = useState<Sort>(initialSort);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  const sorted = sortRows(rows, columns, sort);
  return (
    <div className="table-wrap" style={maxHeight ? { maxHeight } : undefined} tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const dir = sort?.key === c.key ? sort.dir : null;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="sort" onClick={() => toggle(c.key)} aria-label={`${c.label}. ${t('sortBy', { column: c.label })}`}>
                      {c.label}<span aria-hidden="true" className="sort-icon">{dir === 'asc' ? '↑' : dir === 'desc' ? '↓' : '↕'}</span>
                    </button>
                  ) : c.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)} className={rowClass?.(r)}>
              {columns.map((c, i) => i === 0
                ? <th key={c.key} scope="row" className={c.numeric ? 'num' : undefined}>{c.render(r)}</th>
                : <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.render(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
