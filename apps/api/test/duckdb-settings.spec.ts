import { Warehouse, withThreads } from '@uitkomst/warehouse';
import { loadConfig } from '../src/config';
import { backgroundBuildThreads } from '../src/metrics/metrics.service';

describe('DuckDB resource settings (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS)', () => {
  it('reads them from the environment, unset meaning DuckDB\'s own defaults', () => {
    expect(loadConfig({}).duckdb).toEqual({ memoryLimit: null, threads: null });
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: ' 1.5GB ', DUCKDB_THREADS: '2' }).duckdb).toEqual({ memoryLimit: '1.5GB', threads: 2 });
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: '512MiB' }).duckdb.memoryLimit).toBe('512MiB');
  });

  it('stops the start on a value DuckDB would not take, naming the variable', () => {
    for (const bad of ['2', 'lots', '80%', '-1GB', '2 GB RAM']) {
      expect(() => loadConfig({ DUCKDB_MEMORY_LIMIT: bad })).toThrow(/DUCKDB_MEMORY_LIMIT must be a size/);
    }
    for (const bad of ['0', '1.5', 'two', '-2']) expect(() => loadConfig({ DUCKDB_THREADS: bad })).toThrow(/DUCKDB_THREADS must be a whole number/);
  });

  it('opens the warehouse with them', async () => {
    const wh = await Warehouse.open(':memory:', { memoryLimit: '300MB', threads: 1 });
    try {
      const [row] = await wh.query<{ memory: string; threads: number }>(
        `SELECT current_setting('memory_limit') AS memory, current_setting('threads') AS threads`);
      expect(row.memory).toBe('286.1 MiB'); // 300 MB as DuckDB prints it
      expect(Number(row.threads)).toBe(1);
    } finally {
      await wh.close();
    }
  });

  it('leaves DuckDB\'s defaults when unset', async () => {
    const wh = await Warehouse.open(':memory:');
    try {
      const [row] = await wh.query<{ memory: string }>(`SELECT current_setting('memory_limit') AS memory`);
      expect(row.memory).not.toBe('286.1 MiB');
    } finally {
      await wh.close();
    }
  });
});

describe('threads of a build', () => {
  const threadsOf = async (wh: Warehouse) => Number((await wh.query<{ t: number }>(`SELECT current_setting('threads') AS t`))[0].t);

  it('sets the instance\'s threads for the call and restores them after, also when it fails', async () => {
    const wh = await Warehouse.open(':memory:', { threads: 3 });
    try {
      const inside = await wh.write((conn) => withThreads(conn, 1, async () => Number((await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0])));
      expect(inside).toBe(1);
      expect(await threadsOf(wh)).toBe(3);
      await expect(wh.write((conn) => withThreads(conn, 2, async () => { throw new Error('model failed'); }))).rejects.toThrow('model failed');
      expect(await threadsOf(wh)).toBe(3);
      expect(await wh.write((conn) => withThreads(conn, null, async () => Number((await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0])))).toBe(3);
    } finally {
      await wh.close();
    }
  });

  it('leaves one core to the public API during automatic rebuilds', () => {
    expect(backgroundBuildThreads(null, 2)).toBe(1);
    expect(backgroundBuildThreads(null, 8)).toBe(7);
    expect(backgroundBuildThreads(4, 8)).toBe(3);
    expect(backgroundBuildThreads(null, 1)).toBeNull();
    expect(backgroundBuildThreads(1, 8)).toBeNull();
  });
});
