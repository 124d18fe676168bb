/**
 * The "usual alternative" for the read API: an Express server with TypeORM that keeps the facts in a PostgreSQL
 * table and aggregates them per request (QueryBuilder, GROUP BY), the way a typical TypeORM app would serve
 * /metrics and /benchmark (the app itself is NestJS on Fastify; the baseline's time goes to PostgreSQL, not to Express). Run as a child process by pg-baseline.js:
 *   BASELINE_DB_URL (empty: embedded PGlite in this process), PORT, FACTS_FILE (long CSV), METRICS (comma list),
 *   PEERS_FILE (the release's peer groups as CSV: municipality_code, peer_code, rank, distance).
 * Loads the facts of the metrics' measures (batched INSERT ... SELECT FROM unnest) and the peer groups, indexes
 * them, ANALYZEs, then prints one JSON line {ready, rows, peerLinks, loadMs} and serves:
 *   GET /metrics?metric&unit&period     the unit's and the national value for the period (numerator and denominator
 *                                       sums, 2 queries), the data of the app's /metrics row
 *   GET /unit-sums?metric&unit&period   the unit's sums alone (1 query): less than the app's row, for comparison
 *   GET /benchmark?metric&unit&period   what the app's /benchmark answers from the data: the unit, its labour-market
 *                                       region, the national value and each peer's value with the peers' median
 *                                       (2 lookups, then 4 aggregations)
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

const PeerLink = new EntitySchema({
  name: 'PeerLink', tableName: 'bench_peers',
  columns: {
    municipalityCode: { name: 'municipality_code', type: 'varchar', length: 6, primary: true },
    rank: { type: 'int', primary: true },
    peerCode: { name: 'peer_code', type: 'varchar', length: 6 },
    distance: { type: 'double precision' },
  },
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

async function loadPeers(db, file) {
  const links = parseCsv(fs.readFileSync(file, 'utf8')).map((r) => ({ municipalityCode: r.municipality_code, peerCode: r.peer_code, rank: Number(r.rank), distance: Number(r.distance) }));
  for (let i = 0; i < links.length; i += 5000) await db.getRepository('PeerLink').insert(links.slice(i, i + 5000));
  return links.length;
}

/** The median of numbers (the mean of the middle two for an even count), null for none: the app's peerMedian. */
function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = (v.length - 1) / 2;
  return (v[Math.floor(mid)] + v[Math.ceil(mid)]) / 2;
}

/**
 * Measures that are a stock, not a flow: a period longer than a month takes them from its first reported month (as
 * the app's models do, docs/metrics.md section 1; here the first month with any facts), the others are summed.
 */
const STOCKS = new Set(['clients_start']);

/** sum(value) of the numerator and the denominator measures over the facts the query builder selects. */
function ratioQuery(db, { numerator, denominator }, { start, end }) {
  const sumOf = (name, measures) => {
    const flows = measures.filter((m) => !STOCKS.has(m));
    const stocks = measures.filter((m) => STOCKS.has(m));
    const parts = [flows.length ? `coalesce(sum(f.value) FILTER (WHERE f.measure IN (:...${name}Flows)), 0)` : null,
      stocks.length ? `coalesce(sum(f.value) FILTER (WHERE f.measure IN (:...${name}Stocks) AND f.period = (SELECT min(period) FROM bench_facts WHERE period BETWEEN :start AND :end)), 0)` : null].filter(Boolean);
    return { sql: parts.join(' + '), params: { [`${name}Flows`]: flows, [`${name}Stocks`]: stocks } };
  };
  const n = sumOf('numerator', numerator);
  const d = sumOf('denominator', denominator);
  return db.getRepository('Fact').createQueryBuilder('f')
    .select(n.sql, 'numerator')
    .addSelect(d.sql, 'denominator')
    .where('f.period BETWEEN :start AND :end', { start, end })
    .andWhere('f.measure IN (:...measures)', { ...n.params, ...d.params, measures: [...new Set([...numerator, ...denominator])] });
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
  const [region, links] = await Promise.all([
    db.getRepository('Municipality').findOneBy({ code: q.unit }),
    db.getRepository('PeerLink').find({ where: { municipalityCode: q.unit }, order: { rank: 'ASC' } }),
  ]);
  const peerCodes = links.map((l) => l.peerCode);
  const [unit, regionValue, national, peerSums] = await Promise.all([
    ratioQuery(db, measures, bounds).andWhere('f.municipality_code = :unit', { unit: q.unit }).getRawOne(),
    ratioQuery(db, measures, bounds).innerJoin('bench_municipalities', 'm', 'm.code = f.municipality_code').andWhere('m.region_code = :region', { region: region?.regionCode ?? '' }).getRawOne(),
    ratioQuery(db, measures, bounds).getRawOne(),
    peerCodes.length
      ? ratioQuery(db, measures, bounds).addSelect('f.municipality_code', 'unit').andWhere('f.municipality_code IN (:...peers)', { peers: peerCodes }).groupBy('f.municipality_code').getRawMany()
      : [],
  ]);
  const sumsOf = new Map(peerSums.map((r) => [r.unit, r]));
  const peers = links.map((l) => ({ unit: l.peerCode, rank: l.rank, distance: l.distance, ...valueOf(sumsOf.get(l.peerCode)) }));
  return {
    metric: q.metric, unit: q.unit, period: q.period, value: valueOf(unit), region: { code: region?.regionCode ?? null, ...valueOf(regionValue) }, national: valueOf(national),
    peers, peerMedian: median(peers.map((p) => p.value).filter((v) => v !== null)),
  };
}

async function main() {
  let url = process.env.BASELINE_DB_URL;
  let embedded = null;
  if (!url) {
    const { startEmbeddedPostgres } = require(path.join(API_DIST, 'database', 'embedded-postgres.js'));
    embedded = await startEmbeddedPostgres(null);
    url = embedded.url;
  }
  const db = new DataSource({ type: 'postgres', url, entities: [Fact, Municipality, PeerLink], synchronize: true, logging: false, extra: { max: embedded ? 1 : 10 } });
  await db.initialize();
  const metrics = process.env.METRICS.split(',');
  const started = performance.now();
  const rows = await loadFacts(db, process.env.FACTS_FILE, [...new Set(metrics.flatMap((m) => { const x = metricMeasures(m); return [...x.numerator, ...x.denominator]; }))]);
  await loadMunicipalities(db);
  const peerLinks = await loadPeers(db, process.env.PEERS_FILE);
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
  const server = web.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ ready: true, rows, peerLinks, loadMs, embedded: !!embedded })));
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
