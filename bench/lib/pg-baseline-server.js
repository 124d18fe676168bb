/**
 * The "usual alternative" for the read API: an Express server with TypeORM that keeps the facts in a PostgreSQL
 * table and aggregates them per request (QueryBuilder, GROUP BY), the way a typical TypeORM app would serve
 * /metrics and /benchmark (the app itself is NestJS on Express). Run as a child process by pg-baseline.js:
 *   BASELINE_DB_URL (empty: embedded PGlite in this process), PORT, FACTS_FILE (long CSV), METRICS (comma list).
 * Loads the facts of the metrics' measures (batched INSERT ... SELECT FROM unnest), indexes them, ANALYZEs, then
 * prints one JSON line {ready, rows, loadMs} and serves:
 *   GET /metrics?metric&unit&period     the unit's and the national value for the period (numerator and denominator
 *                                       sums, 2 queries), the data of the app's /metrics row
 *   GET /unit-sums?metric&unit&period   the unit's sums alone (1 query): less than the app's row, for comparison
 *   GET /benchmark?metric&unit&period   the unit, its labour-market region and the national value (3 queries);
 *                                       the app's /benchmark also has the peer group, so this does less work.
 */
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { need, API_DIST } = require('./modules');

const { DataSource, EntitySchema } = need('typeorm');
const { METRICS, parseCsv } = need('@uitkomst/domain');
const { periodBounds } = require(path.join(API_DIST, 'query', 'query-params.js'));

const Fact = new EntitySchema({
  name: 'Fact', tableName: 'bench_facts',
  columns: {
    id: { type: 'int', primary: true, generated: true },
    siteCode: { name: 'site_code', type: 'varchar', length: 40 },
    municipalityCode: { name: 'municipality_code', type: 'varchar', length: 6 },
    period: { type: 'date' },
    clientGroup: { name: 'client_group', type: 'varchar', length: 30 },
    measure: { type: 'varchar', length: 40 },
    value: { type: 'double precision' },
  },
  indices: [{ name: 'bench_facts_unit', columns: ['municipalityCode', 'period', 'measure'] }, { name: 'bench_facts_period', columns: ['period', 'measure'] }],
});

const Municipality = new EntitySchema({
  name: 'Municipality', tableName: 'bench_municipalities',
  columns: { code: { type: 'varchar', length: 6, primary: true }, regionCode: { name: 'region_code', type: 'varchar', length: 6 } },
});

/** Numerator and denominator measures of a metric whose definition is a sum of measures. */
function metricMeasures(code) {
  const m = METRICS.find((x) => x.code === code);
  const parse = (s) => (/^[a-z_]+( \+ [a-z_]+)*$/.test(s) ? s.split(' + ') : null);
  const numerator = m && parse(m.numerator);
  const denominator = m && parse(m.denominator);
  if (!numerator || !denominator) throw new Error(`metric ${code} is not a ratio of sums of measures`);
  return { numerator, denominator };
}

async function loadFacts(db, file, measures) {
  const wanted = new Set(measures);
  const cols = [[], [], [], [], [], []];
  let rows = 0;
  const flush = async () => {
    if (cols[0].length === 0) return;
    await db.query(`INSERT INTO bench_facts (site_code, municipality_code, period, client_group, measure, value)
      SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::date[], $4::varchar[], $5::varchar[], $6::float8[])`, cols);
    rows += cols[0].length;
    for (const c of cols) c.length = 0;
  };
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) { header = false; continue; }
    const [site, municipality, period, group, measure, value] = line.split(',');
    if (!wanted.has(measure)) continue;
    cols[0].push(site); cols[1].push(municipality); cols[2].push(`${period}-01`); cols[3].push(group); cols[4].push(measure); cols[5].push(Number(value));
    if (cols[0].length >= 20000) await flush();
  }
  await flush();
  return rows;
}

async function loadMunicipalities(db) {
  const csv = fs.readFileSync(path.join(path.dirname(require.resolve('@uitkomst/domain/package.json', { paths: [API_DIST] })), 'reference', 'municipalities.csv'), 'utf8');
  await db.getRepository('Municipality').insert(parseCsv(csv).map((r) => ({ code: r.code, regionCode: r.region_code })));
}

/** sum(value) of the numerator and the denominator measures over the facts the query builder selects. */
function ratioQuery(db, { numerator, denominator }, { start, end }) {
  return db.getRepository('Fact').createQueryBuilder('f')
    .select('sum(f.value) FILTER (WHERE f.measure IN (:...numerator))', 'numerator')
    .addSelect('sum(f.value) FILTER (WHERE f.measure IN (:...denominator))', 'denominator')
    .where('f.period BETWEEN :start AND :end', { start, end })
    .andWhere('f.measure IN (:...measures)', { numerator, denominator, measures: [...new Set([...numerator, ...denominator])] });
}

const valueOf = (r) => ({ numerator: Number(r?.numerator ?? 0), denominator: Number(r?.denominator ?? 0), value: r?.denominator > 0 ? r.numerator / r.denominator : null });

/** The unit's sums alone: less than the app's /metrics row, which also has the national value. */
async function unitSumsAnswer(db, q) {
  const rows = await ratioQuery(db, metricMeasures(q.metric), periodBounds(q.period))
    .addSelect('f.municipality_code', 'unit')
    .andWhere('f.municipality_code = :unit', { unit: q.unit })
    .groupBy('f.municipality_code')
    .getRawMany();
  return rows.map((r) => ({ metric: q.metric, unit: r.unit, period: q.period, ...valueOf(r) }));
}

/** What the app's /metrics row needs from the data: the unit's value and the national value (nationalValue, comparison). */
async function metricsAnswer(db, q) {
  const measures = metricMeasures(q.metric);
  const bounds = periodBounds(q.period);
  const [unit, national] = await Promise.all([
    ratioQuery(db, measures, bounds).andWhere('f.municipality_code = :unit', { unit: q.unit }).getRawOne(),
    ratioQuery(db, measures, bounds).getRawOne(),
  ]);
  return [{ metric: q.metric, unit: q.unit, period: q.period, ...valueOf(unit), nationalValue: valueOf(national).value }];
}

async function benchmarkAnswer(db, q) {
  const measures = metricMeasures(q.metric);
  const bounds = periodBounds(q.period);
  const region = await db.getRepository('Municipality').findOneBy({ code: q.unit });
  const [unit, regionValue, national] = await Promise.all([
    ratioQuery(db, measures, bounds).andWhere('f.municipality_code = :unit', { unit: q.unit }).getRawOne(),
    ratioQuery(db, measures, bounds).innerJoin('bench_municipalities', 'm', 'm.code = f.municipality_code').andWhere('m.region_code = :region', { region: region?.regionCode ?? '' }).getRawOne(),
    ratioQuery(db, measures, bounds).getRawOne(),
  ]);
  return { metric: q.metric, unit: q.unit, period: q.period, value: valueOf(unit), region: { code: region?.regionCode ?? null, ...valueOf(regionValue) }, national: valueOf(national) };
}

async function main() {
  let url = process.env.BASELINE_DB_URL;
  let embedded = null;
  if (!url) {
    const { startEmbeddedPostgres } = require(path.join(API_DIST, 'database', 'embedded-postgres.js'));
    embedded = await startEmbeddedPostgres(null);
    url = embedded.url;
  }
  const db = new DataSource({ type: 'postgres', url, entities: [Fact, Municipality], synchronize: true, logging: false, extra: { max: embedded ? 1 : 10 } });
  await db.initialize();
  const metrics = process.env.METRICS.split(',');
  const started = performance.now();
  const rows = await loadFacts(db, process.env.FACTS_FILE, [...new Set(metrics.flatMap((m) => { const x = metricMeasures(m); return [...x.numerator, ...x.denominator]; }))]);
  await loadMunicipalities(db);
  await db.query('ANALYZE');
  const loadMs = performance.now() - started;
  const express = need('express');
  const web = express();
  web.disable('x-powered-by');
  const route = (answer) => async (req, res) => {
    try {
      res.json(await answer(db, req.query));
    } catch (err) {
      res.status(500).send(String(err.message ?? err));
    }
  };
  web.get('/metrics', route(metricsAnswer));
  web.get('/unit-sums', route(unitSumsAnswer));
  web.get('/benchmark', route(benchmarkAnswer));
  const server = web.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ ready: true, rows, loadMs, embedded: !!embedded })));
  server.keepAliveTimeout = 60_000;
  const stop = async () => {
    server.close();
    await db.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
