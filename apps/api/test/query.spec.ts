/** Public read API over a published release: values, validation, comparisons, disclosure control, codebook. */
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from './parquet-reader';
import { addSubmission, baseFacts, call, currentFacts, expectedOutflow, Fact, getJson, NO_CONSENT, parseCsv, publish, ReleaseContext, SMALL, startReleaseApp, wilson } from './releases-setup';

const FIGURES = ['value', 'numerator', 'denominator', 'ciLow', 'ciHigh'];

describe('query API over a published release', () => {
  let ctx: ReleaseContext;
  let release: any;
  let facts: Fact[];
  const Q = '/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025';

  beforeAll(async () => {
    ctx = await startReleaseApp('pglite');
    await addSubmission(ctx, baseFacts());
    release = await publish(ctx);
    facts = await currentFacts(ctx);
  });
  afterAll(() => ctx.t.close());

  describe('values', () => {
    it('serves municipality rates computed from the facts, with Wilson intervals and fractions 0..1', async () => {
      const rows = await getJson(ctx, Q);
      for (const unit of ['GM0363', 'GM0362']) {
        const row = rows.find((r: any) => r.unit === unit);
        const e = expectedOutflow(facts, (f) => f.municipality === unit && f.month.startsWith('2025'));
        expect(row).toMatchObject({ metric: 'outflow_to_work', level: 'municipality', period: '2025', grain: 'year', clientGroup: 'all', suppressed: false, numerator: e.numerator, denominator: e.denominator });
        expect(row.value).toBeCloseTo(e.value, 10);
        const [lo, hi] = wilson(e.numerator, e.denominator);
        expect(row.ciLow).toBeCloseTo(lo, 6);
        expect(row.ciHigh).toBeCloseTo(hi, 6);
      }
    });

    it('counts the no-consent municipality in the region and national totals', async () => {
      const [national] = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&level=national&period=2025');
      const e = expectedOutflow(facts, (f) => f.month.startsWith('2025'));
      expect(national.numerator).toBe(e.numerator);
      expect(national.value).toBeCloseTo(e.value, 10);
      const [region] = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&level=region&unit=AM18&period=2025');
      expect(region.denominator).toBe(e.denominator);
    });

    it('filters by several units, levels and periods, and by from/to', async () => {
      const rows = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&level=municipality,site&unit=GM0363,WP-AM18-01&period=2024,2025');
      expect(new Set(rows.map((r: any) => `${r.level}:${r.unit}:${r.period}`))).toEqual(new Set(['municipality:GM0363:2024', 'municipality:GM0363:2025', 'site:WP-AM18-01:2024', 'site:WP-AM18-01:2025']));
      const ranged = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&unit=GM0363&grain=year&from=2025&to=2025');
      expect(ranged.map((r: any) => r.period)).toEqual(['2025']);
      const quarters = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&unit=GM0363&grain=quarter');
      expect(quarters.every((r: any) => /^\d{4}-Q[1-4]$/.test(r.period) && r.grain === 'quarter')).toBe(true);
    });

    it('answers the same through the partition index and through one SQL statement', async () => {
      const url = '/api/v1/metrics?metric=outflow_to_work&clientGroup=all,ww&grain=year';
      const indexed = await getJson(ctx, `${url}&release=latest`);
      process.env.QUERY_MAX_PARTITIONS = '0';
      try {
        const sql = await getJson(ctx, `${url}&release=${release.id}`);
        expect(sql).toEqual(indexed);
        expect(sql.length).toBeGreaterThan(10);
      } finally {
        delete process.env.QUERY_MAX_PARTITIONS;
      }
    });
  });

  describe('disclosure control', () => {
    it('suppressed rows carry no figures in JSON, CSV, Arrow and Parquet', async () => {
      const url = `/api/v1/metrics?metric=outflow_to_work&unit=${SMALL}&period=2025`;
      const [row] = await getJson(ctx, url);
      expect(row.suppressed).toBe(true);
      expect(row.suppressionReason).toBeTruthy();
      for (const k of FIGURES) expect(row[k]).toBeNull();
      const csv = parseCsv(await (await call(ctx, url, { headers: { accept: 'text/csv' } })).text());
      for (const k of FIGURES) expect(csv[0][k]).toBe('');
      const arrow = tableFromIPC(new Uint8Array(await (await call(ctx, url, { headers: { accept: 'application/vnd.apache.arrow.stream' } })).arrayBuffer()));
      const a = arrow.get(0)!.toJSON();
      for (const k of FIGURES) expect(a[k]).toBeNull();
      const pq = new Uint8Array(await (await call(ctx, `/api/v1/releases/${release.id}/download?format=parquet&unit=${SMALL}&metric=outflow_to_work&period=2025`)).arrayBuffer());
      const prow: any[] = await readParquet(pq);
      expect(prow.length).toBeGreaterThan(0);
      for (const r of prow) for (const k of ['value', 'numerator', 'denominator', 'ci_low', 'ci_high']) expect(r[k]).toBeNull();
    });

    it('never shows a municipality without consent, or its site, in any endpoint or download', async () => {
      const all = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&clientGroup=all,ww,bijstand_kort');
      expect(all.some((r: any) => r.unit === NO_CONSENT || r.unit === 'WT-GM0437-01')).toBe(false);
      expect((await call(ctx, `/api/v1/profile/${NO_CONSENT}`)).status).toBe(400);
      expect((await call(ctx, `/api/v1/benchmark?metric=outflow_to_work&unit=${NO_CONSENT}`)).status).toBe(400);
      for (const table of ['metrics', 'facts', 'peers', 'typology', 'sites']) {
        const text = await (await call(ctx, `/api/v1/releases/${release.id}/download?format=csv&table=${table}`)).text();
        expect(text).not.toContain(NO_CONSENT);
        expect(text).not.toContain('Ouder-Amstel');
      }
      const bench = await getJson(ctx, '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363');
      expect(bench.peers.some((p: any) => p.unit === NO_CONSENT)).toBe(false);
    });
  });

  describe('validation', () => {
    const bad: [string, string][] = [
      ['/api/v1/metrics?metric=nope', 'metric'], ['/api/v1/metrics?level=county', 'level'], ['/api/v1/metrics?unit=GM9999', 'unit'],
      ['/api/v1/metrics?period=2025-13', 'period'], ['/api/v1/metrics?period=1999', 'period'], ['/api/v1/metrics?grain=week', 'grain'],
      ['/api/v1/metrics?grain=year&period=2025-Q1', 'period'], ['/api/v1/metrics?clientGroup=kids', 'clientGroup'], ['/api/v1/metrics?colour=red', 'colour'],
      ['/api/v1/metrics?format=xml', 'format'], ['/api/v1/metrics?unit=', 'unit'], ['/api/v1/metrics?from=2026&to=2024', 'from'],
      ['/api/v1/benchmark?unit=GM0363', 'metric'], ['/api/v1/benchmark?metric=outflow_to_work', 'unit'], ['/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2031', 'period'],
      ['/api/v1/funnel?metric=outflow_to_work&level=national', 'level'], ['/api/v1/funnel?metric=x', 'metric'],
      ['/api/v1/trends?metric=outflow_to_work', 'unit'], ['/api/v1/trends?metric=outflow_to_work&unit=GM0363&grain=decade', 'grain'],
      ['/api/v1/typology?metric=outflow_to_work&dimension=colour', 'dimension'], ['/api/v1/typology?metric=outflow_to_work', 'dimension'],
      ['/api/v1/profile/GM9999', 'unit'], ['/api/v1/profile/GM0363?period=20x5', 'period'],
      ['/api/v1/releases/latest/download?format=xls', 'format'], ['/api/v1/releases/latest/download?table=secrets', 'table'], ['/api/v1/codebook?format=pdf', 'format'],
    ];
    it.each(bad)('%s is a 400 naming %s', async (url, parameter) => {
      const res = await call(ctx, url);
      expect(res.status).toBe(400);
      const body: any = await res.json();
      expect(body.parameter).toBe(parameter);
      expect(body.message).toContain(parameter);
    });

    it('lists the allowed values', async () => {
      const body: any = await (await call(ctx, "/api/v1/metrics?metric=nope")).json();
      expect(body.allowed).toContain('outflow_to_work');
      const unit: any = await (await call(ctx, '/api/v1/metrics?level=municipality&unit=GM9999')).json();
      expect(unit.allowed).toEqual(expect.arrayContaining(['GM0363', 'GM0362']));
      expect(unit.allowed).not.toContain(NO_CONSENT);
    });

    it('answers an unknown release with 404 and odd input never with 500', async () => {
      expect((await call(ctx, '/api/v1/metrics?release=1999.1')).status).toBe(404);
      for (const url of ['/api/v1/metrics?metric[a]=x', '/api/v1/metrics?unit=%00', `/api/v1/metrics?unit=${'x'.repeat(500)}`, '/api/v1/profile/%27%3B', '/api/v1/metrics?metric=outflow_to_work&metric=outflow_to_work']) {
        expect((await call(ctx, url)).status).toBeLessThan(500);
      }
    });
  });

  describe('comparisons', () => {
    const muniValue = (unit: string, year = '2025') => expectedOutflow(facts, (f) => f.municipality === unit && f.month.startsWith(year)).value;

    it('benchmarks a municipality against national, region and peers', async () => {
      const b = await getJson(ctx, '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025');
      expect(b.unit.value).toBeCloseTo(muniValue('GM0363'), 10);
      expect(b.national.value).toBeCloseTo(expectedOutflow(facts, (f) => f.month.startsWith('2025')).value, 10);
      expect(b.region.unit).toBe('AM18');
      const peerValues = b.peers.filter((p: any) => p.value !== null).map((p: any) => p.value).sort((x: number, y: number) => x - y);
      if (peerValues.length) {
        const mid = (peerValues.length - 1) / 2;
        expect(b.peerMedian).toBeCloseTo((peerValues[Math.floor(mid)] + peerValues[Math.ceil(mid)]) / 2, 10);
      } else expect(b.peerMedian).toBeNull();
    });

    it('gives the benchmark as CSV with one row per role, the same figures as its JSON', async () => {
      const url = '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2025';
      const b = await getJson(ctx, url);
      const csv = parseCsv(await (await call(ctx, url, { headers: { accept: 'text/csv' } })).text());
      const expected = [['unit', b.unit], ['region', b.region], ['national', b.national], ...b.peers.map((p: any) => ['peer', p])];
      expect(csv.map((r) => [r.role, r.unit, r.rank, r.value])).toEqual(expected.map(([role, r]: any) => [role, r.unit, r.rank == null ? '' : String(r.rank), r.value == null ? '' : String(r.value)]));
    });

    it('draws a funnel of published units with limits that narrow as the denominator grows', async () => {
      const f = await getJson(ctx, '/api/v1/funnel?metric=outflow_to_work&level=municipality&period=2025');
      expect(f.points.map((p: any) => p.unit).sort()).toEqual(['GM0362', 'GM0363']);
      const p = f.points.find((x: any) => x.unit === 'GM0363');
      expect(p.x).toBe(expectedOutflow(facts, (x) => x.municipality === 'GM0363' && x.month.startsWith('2025')).denominator);
      const widths = f.limits.map((l: any) => l.high95 - l.low95);
      expect(widths.length).toBeGreaterThan(10);
      expect(widths[widths.length - 1]).toBeLessThan(widths[0]);
      for (const l of f.limits) expect(l.high998 - l.low998).toBeGreaterThanOrEqual(l.high95 - l.low95);
    });

    it('draws the funnel of a client group from the same rows the metrics table has, published ones only', async () => {
      for (const clientGroup of ['all', 'ww']) {
        const f = await getJson(ctx, `/api/v1/funnel?metric=outflow_to_work&level=municipality&period=2025&clientGroup=${clientGroup}`);
        const rows = await getJson(ctx, `/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025&clientGroup=${clientGroup}`);
        const published = rows.filter((r: any) => !r.suppressed && r.value !== null);
        expect(published.length).toBeGreaterThan(0);
        expect(f.points.map((p: any) => [p.unit, p.x, p.y])).toEqual(published.map((r: any) => [r.unit, r.denominator, r.value]));
        const [national] = await getJson(ctx, `/api/v1/metrics?metric=outflow_to_work&level=national&period=2025&clientGroup=${clientGroup}`);
        expect(f.nationalValue).toBe(national.value);
      }
    });

    it('returns trends per unit with the national series', async () => {
      const t = await getJson(ctx, '/api/v1/trends?metric=outflow_to_work&unit=GM0363&grain=year');
      const pts = t.series[0].points;
      expect(pts.map((x: any) => x.period)).toEqual(['2024', '2025']);
      expect(pts[0].value).toBeCloseTo(muniValue('GM0363', '2024'), 10);
      expect(pts[1].value).toBeCloseTo(muniValue('GM0363', '2025'), 10);
      expect(t.national.map((x: any) => x.period)).toEqual(['2024', '2025']);
    });

    it('gives trends of units of several levels, every grain and client group, as the metrics table has them', async () => {
      const [national] = await getJson(ctx, '/api/v1/metrics?metric=outflow_to_work&level=national&period=2025');
      const units = ['GM0363', 'AM18', 'WP-AM18-01', national.unit];
      for (const grain of ['year', 'quarter', 'month']) {
        for (const clientGroup of ['all', 'ww']) {
          const t = await getJson(ctx, `/api/v1/trends?metric=outflow_to_work&unit=${units.join(',')}&grain=${grain}&clientGroup=${clientGroup}`);
          for (const unit of units) {
            // The metrics endpoint without a period reads the release table with SQL, not the trends cache.
            const rows = await getJson(ctx, `/api/v1/metrics?metric=outflow_to_work&unit=${unit}&grain=${grain}&clientGroup=${clientGroup}`);
            const expected = rows.sort((a: any, b: any) => (a.periodStart < b.periodStart ? -1 : a.periodStart > b.periodStart ? 1 : 0))
              .map((r: any) => [r.period, r.value, r.suppressed]);
            const series = t.series.find((x: any) => x.unit === unit);
            expect(series.points.map((x: any) => [x.period, x.value, x.suppressed])).toEqual(expected);
            expect(expected.length).toBeGreaterThan(0);
          }
          expect(t.national.map((x: any) => [x.period, x.value])).toEqual(t.series.find((x: any) => x.unit === national.unit).points.map((x: any) => [x.period, x.value]));
        }
      }
      const csv = await (await fetch(`${ctx.t.url}/api/v1/trends?metric=outflow_to_work&unit=GM0363,AM18&grain=year`, { headers: { accept: 'text/csv' } })).text();
      const header = csv.split(/\r?\n/)[0].split(',');
      const unitAndPeriod = csv.trim().split(/\r?\n/).slice(1).map((l) => {
        const cells = l.split(',');
        return `${cells[header.indexOf('unit')]} ${cells[header.indexOf('period')]}`;
      });
      // Rows of the table formats come unit by unit, period by period (the national series included).
      expect(unitAndPeriod).toEqual(['AM18 2024', 'AM18 2025', 'GM0363 2024', 'GM0363 2025', `${national.unit} 2024`, `${national.unit} 2025`]);
    });

    it('profiles a unit against the range of its level, with its sites and years since cooperation started', async () => {
      const p = await getJson(ctx, '/api/v1/profile/GM0363?period=2025');
      const m = p.metrics.find((x: any) => x.metric === 'outflow_to_work');
      expect(m.value).toBeCloseTo(muniValue('GM0363'), 10);
      const published = ['GM0363', 'GM0362'].map((u) => muniValue(u));
      expect(m.range.min).toBeCloseTo(Math.min(...published), 10);
      expect(m.range.max).toBeCloseTo(Math.max(...published), 10);
      expect(m.range.n).toBe(2);
      // Two values: the quartiles interpolate between them (quantile type 7, as DuckDB's quantile_cont).
      const [lo, hi] = [Math.min(...published), Math.max(...published)];
      expect(m.range.p25).toBeCloseTo(lo + 0.25 * (hi - lo), 10);
      expect(m.range.median).toBeCloseTo(lo + 0.5 * (hi - lo), 10);
      expect(m.range.p75).toBeCloseTo(lo + 0.75 * (hi - lo), 10);
      expect(p.sites.map((s: any) => s.code)).toEqual(['WP-AM18-01']);
      expect(p.sites[0]).toMatchObject({ integrationLevel: 'full', startDate: '2012-06-01', yearsSinceStart: 13 });
      expect(p.yearsSinceCooperationStarted).toBe(13);
    });

    it('shows outcomes by typology with its caveat', async () => {
      const err: any = await (await call(ctx, '/api/v1/typology?metric=outflow_to_work&dimension=colour')).json();
      expect(err.allowed.length).toBeGreaterThan(0);
      const t = await getJson(ctx, `/api/v1/typology?metric=outflow_to_work&dimension=${err.allowed[0]}&period=2025`);
      expect(t.caveat).toMatch(/association/i);
      expect(Array.isArray(t.rows)).toBe(true);
    });
  });

  describe('codebook and OpenAPI', () => {
    it('describes columns, code lists, licence and citation as JSON, CSV and Markdown', async () => {
      const cb = await getJson(ctx, '/api/v1/codebook');
      expect(cb.release).toBe(release.id);
      expect(cb.licence).toEqual({ data: 'CC-BY-4.0', code: 'EUPL-1.2' });
      expect(cb.citation).toContain(release.id);
      expect(cb.codeLists.metrics.find((m: any) => m.code === 'cost_per_case')).toMatchObject({ polarity: 'lower_is_better' });
      for (const list of ['client_groups', 'levels', 'grains', 'comparisons', 'suppression_reasons', 'measures']) expect(cb.codeLists[list].length).toBeGreaterThan(0);
      expect(cb.tables.find((t: any) => t.table === 'metrics').columns.every((c: any) => c.description)).toBe(true);
      expect(await (await call(ctx, '/api/v1/codebook?format=csv')).text()).toMatch(/^section,list,code,type,description/);
      expect(await (await call(ctx, '/api/v1/codebook?format=md')).text()).toMatch(/^# Codebook, release/);
    });

    it('documents every endpoint with parameters and error responses', async () => {
      const doc = await getJson(ctx, '/api/openapi.json');
      for (const p of ['/api/v1/releases', '/api/v1/releases/latest', '/api/v1/releases/{id}', '/api/v1/releases/{id}/download', '/api/v1/releases/{id}/files/{name}',
        '/api/v1/metrics', '/api/v1/benchmark', '/api/v1/funnel', '/api/v1/trends', '/api/v1/typology', '/api/v1/profile/{unit}', '/api/v1/codebook']) expect(doc.paths[p]).toBeDefined();
      const metrics = doc.paths['/api/v1/metrics'].get;
      expect(metrics.parameters.map((x: any) => x.name)).toEqual(expect.arrayContaining(['metric', 'level', 'unit', 'period', 'from', 'to', 'grain', 'clientGroup', 'release']));
      expect(Object.keys(metrics.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
      expect(doc.components.schemas.MetricRowDto).toBeDefined();
      expect((await call(ctx, '/api/docs')).status).toBe(200);
    });
  });
});
