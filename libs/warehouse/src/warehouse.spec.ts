import type { DuckDBConnection } from '@duckdb/node-api';
import { Warehouse } from './warehouse';

/** A statement far too long to finish: it ends only when the signal interrupts it. */
async function endlessUnlessInterrupted(conn: DuckDBConnection, signal?: AbortSignal): Promise<string> {
  let repeat: NodeJS.Timeout | undefined;
  signal?.addEventListener('abort', () => {
    conn.interrupt();
    repeat = setInterval(() => conn.interrupt(), 20); // DuckDB ignores an interrupt that arrives before the statement starts
  });
  try {
    await conn.run('SELECT count(*) FROM range(100000000) a(i), range(100000) b(j) WHERE (a.i * b.j) % 7 = 3');
    return 'finished';
  } catch (err) {
    return signal?.aborted ? 'gave way' : `failed: ${(err as Error).message}`;
  } finally {
    clearInterval(repeat);
  }
}

const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('the warehouse writer', () => {
  let wh: Warehouse;
  beforeEach(async () => {
    wh = await Warehouse.open(':memory:');
  });
  afterEach(() => wh.close());

  it('runs writes one at a time in arrival order', async () => {
    const order: string[] = [];
    await wh.write((conn) => conn.run('CREATE TABLE t (step INTEGER)'));
    await Promise.all([1, 2, 3].map((step) => wh.write(async (conn) => {
      await conn.run('INSERT INTO t VALUES ($1)', [step]);
      order.push(`write ${step}`);
    })));
    expect(order).toEqual(['write 1', 'write 2', 'write 3']);
    expect((await wh.query<{ step: number }>('SELECT step FROM t ORDER BY rowid')).map((r) => r.step)).toEqual([1, 2, 3]);
  });

  it('aborts a preemptible write as soon as another write arrives, which then runs', async () => {
    const background = wh.write((conn, signal) => endlessUnlessInterrupted(conn, signal), { preemptible: true });
    await waitFor(() => wh.preemptibleRunning);
    const upload = wh.write(async (conn) => (await conn.runAndReadAll('SELECT 42 AS answer')).getRowObjectsJson()[0].answer);
    expect(await background).toBe('gave way');
    expect(await upload).toBe(42);
    expect(wh.preemptibleRunning).toBe(false);
  });

  it('never aborts an ordinary write, and a preemptible one queued behind it gives way before it starts', async () => {
    let release: (() => void) | null = null;
    const ordinary = wh.write(() => new Promise<string>((resolve) => { release = () => resolve('done'); }));
    const background = wh.write(async (_conn, signal) => (signal?.aborted ? 'gave way before starting' : 'ran'), { preemptible: true });
    const next = wh.write(async () => 'next');
    await waitFor(() => release !== null);
    release!();
    expect(await ordinary).toBe('done');
    expect(await background).toBe('gave way before starting');
    expect(await next).toBe('next');
  });

  it('stops a running preemptible write when it closes', async () => {
    const background = wh.write((conn, signal) => endlessUnlessInterrupted(conn, signal), { preemptible: true });
    await waitFor(() => wh.preemptibleRunning);
    await wh.close();
    expect(await background).toBe('gave way');
    wh = await Warehouse.open(':memory:'); // for afterEach
  });
});
