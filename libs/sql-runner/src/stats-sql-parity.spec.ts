/** The SQL macros in dbt-like-sql/macros/stats.sql must agree with libs/stats on a grid of inputs. */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  byarRatioInterval, compareWithDistribution, compareWithInterval, meanFunnelLimits, normalQuantile, proportionFunnelLimits,
  ratioChangeTest, ratioFunnelLimits, studentTQuantile, tMeanInterval, twoProportionZTest, welchTTest, wilsonInterval,
} from '@uitkomst/stats';
import { DEFAULT_PROJECT_DIR } from './index';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(fs.readFileSync(path.join(DEFAULT_PROJECT_DIR, 'macros', 'stats.sql'), 'utf8'));
});
afterAll(() => { conn.closeSync(); instance.closeSync(); });

async function scalar(sql: string): Promise<unknown> {
  const reader = await conn.runAndReadAll(`SELECT ${sql} AS v`);
  return reader.getRowObjectsJson()[0].v;
}
const num = async (sql: string) => { const v = await scalar(sql); return v === null ? null : Number(v); };

function expectClose(actual: number | null, expected: number | null | undefined, rel = 1e-8) {
  if (expected == null) { expect(actual).toBeNull(); return; }
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

const Z95 = 'z95()';
const counts: [number, number][] = [[0, 1], [1, 1], [0, 10], [10, 10], [3, 10], [15, 50], [1, 1000], [999, 1000], [12345, 67890], [0, 0], [3, 2]];

describe('SQL macros match libs/stats', () => {
  it('normal_quantile', async () => {
    for (const p of [0.001, 0.01, 0.02, 0.025, 0.1, 0.5, 0.8, 0.975, 0.98, 0.999]) expectClose(await num(`normal_quantile(${p})`), normalQuantile(p), 1e-12);
  });
  it('t_quantile (Hill) against the exact inverse t', async () => {
    for (const df of [1, 2, 3, 4, 5, 9, 10, 29, 30, 99, 1000, 6.07]) {
      for (const p of [0.025, 0.9, 0.975, 0.999]) expectClose(await num(`t_quantile(${p}, ${df})`), studentTQuantile(p, df), 3e-6);
    }
  });
  it('wilson_low/high', async () => {
    for (const [x, n] of counts) {
      const ci = wilsonInterval(x, n);
      expectClose(await num(`wilson_low(${x}::DOUBLE, ${n}::DOUBLE, ${Z95})`), ci?.low);
      expectClose(await num(`wilson_high(${x}::DOUBLE, ${n}::DOUBLE, ${Z95})`), ci?.high);
    }
  });
  it('t_mean_low/high', async () => {
    for (const [n, s, ss] of [[5, 40, 330], [2, 15, 113], [30, 210, 1560], [1, 8, 64], [4, 28, 196], [500, 3600, 27000]]) {
      const ci = tMeanInterval(n, s, ss);
      expectClose(await num(`t_mean_low(${n}::DOUBLE, ${s}::DOUBLE, ${ss}::DOUBLE)`), ci?.low, 1e-6);
      expectClose(await num(`t_mean_high(${n}::DOUBLE, ${s}::DOUBLE, ${ss}::DOUBLE)`), ci?.high, 1e-6);
    }
  });
  it('byar_ratio_low/high', async () => {
    for (const [o, e] of [[0, 5], [1, 2], [10, 8], [100, 120], [3, 0], [5000, 4800.5]]) {
      const ci = byarRatioInterval(o, e);
      expectClose(await num(`byar_ratio_low(${o}::DOUBLE, ${e}::DOUBLE, ${Z95})`), ci?.low);
      expectClose(await num(`byar_ratio_high(${o}::DOUBLE, ${e}::DOUBLE, ${Z95})`), ci?.high);
    }
  });
  it('funnel limits for proportions, means and ratios at 95% and 99.8%', async () => {
    for (const [level, z] of [[0.95, 'z95()'], [0.998, 'z998()']] as const) {
      for (const [p, n] of [[0.2, 100], [0.5, 10], [0, 20], [1, 20], [0.03, 5000], [0.2, 0], [1.2, 10]]) {
        const l = proportionFunnelLimits(p, n, level);
        expectClose(await num(`funnel_prop_low(${p}, ${n}::DOUBLE, ${z})`), l?.low);
        expectClose(await num(`funnel_prop_high(${p}, ${n}::DOUBLE, ${z})`), l?.high);
      }
      for (const [m, sd, n] of [[7, 2, 16], [6.5, 1.3, 3]]) {
        const l = meanFunnelLimits(m, sd, n, level);
        expectClose(await num(`funnel_mean_low(${m}, ${sd}, ${n}, ${z})`), l?.low);
        expectClose(await num(`funnel_mean_high(${m}, ${sd}, ${n}, ${z})`), l?.high);
      }
      for (const e of [0.5, 20, 333.3]) {
        const l = ratioFunnelLimits(e, level);
        expectClose(await num(`funnel_ratio_low(${e}, ${z})`), l?.low);
        expectClose(await num(`funnel_ratio_high(${e}, ${z})`), l?.high);
      }
    }
  });
  it('compare_interval and compare_distribution', async () => {
    const cases: [number | null, number | null, number | null][] = [[0.3, 0.4, 0.25], [0.1, 0.2, 0.25], [0.2, 0.3, 0.25], [null, 0.3, 0.25], [0.2, 0.3, null]];
    const sqlNum = (v: number | null) => (v === null ? 'NULL::DOUBLE' : String(v));
    for (const pol of ['higher_is_better', 'lower_is_better', 'none'] as const) {
      for (const [lo, hi, nat] of cases) {
        expect(await scalar(`compare_interval(${sqlNum(lo)}, ${sqlNum(hi)}, ${sqlNum(nat)}, '${pol}')`)).toBe(compareWithInterval(lo, hi, nat, pol));
      }
      for (const [v, units] of [[100, 10], [150, 10], [250, 10], [100, 4]]) {
        expect(await scalar(`compare_distribution(${v}, 120, 200, ${units}, 5, '${pol}')`)).toBe(compareWithDistribution(v, 120, 200, units, pol));
      }
    }
  });
  it('year-on-year tests', async () => {
    for (const [x1, n1, x0, n0] of [[30, 100, 20, 100], [300, 1000, 200, 1000], [0, 50, 0, 40], [5, 5, 3, 9]]) {
      expectClose(await num(`two_prop_z(${x1}::DOUBLE, ${n1}::DOUBLE, ${x0}::DOUBLE, ${n0}::DOUBLE)`), twoProportionZTest(x1, n1, x0, n0)?.statistic);
    }
    for (const args of [[5, 40, 330, 6, 36, 220], [5, 40, 330, 6, 44, 330], [40, 300, 2300, 35, 250, 1850]]) {
      const r = welchTTest(...(args as [number, number, number, number, number, number]))!;
      const sqlArgs = args.map((a) => `${a}::DOUBLE`).join(', ');
      expectClose(await num(`welch_t(${sqlArgs})`), r.statistic);
      expect(await scalar(`welch_significant(${sqlArgs})`)).toBe(r.significant);
    }
    expectClose(await num('ratio_change_z(0.3, 150, 0.2, 100)'), ratioChangeTest(0.3, 150, 0.2, 100)!.statistic);
  });
});
