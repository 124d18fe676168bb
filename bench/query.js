/**
 * Public read API under load: /api/v1/metrics and /api/v1/benchmark of the released app (lib/release-app.js) at
 * 64 keep-alive connections (autocannon), next to the same aggregation served from PostgreSQL via TypeORM
 * (lib/pg-baseline-server.js: facts and the release's peer groups in tables, QueryBuilder sums per request: for
 * /metrics the unit's and the national value that the app's row holds, for /benchmark the unit, its region, the
 * country and each peer, and, as a figure without goal, the unit's sums alone), round by round
 * in the same run. Requests are metric x municipality x period combinations in a fixed shuffled order; no combination is
 * asked twice in the rounds, so the app's response cache never answers (the worst case for the app). Before the rounds,
 * without a goal, the first requests after the app's restart (its partition index loading); after them, without a
 * goal, /benchmark answers that the cache holds: the floor that the HTTP layer sets, and bare node:http sending one
 * such answer: the floor of the machine that day.
 */
const fs = require('node:fs');
const path = require('node:path');
const { releaseApp } = require('./lib/release-app');
const { startBareHttp } = require('./lib/bare-http');
const { startPgBaseline } = require('./lib/pg-baseline');
const { describeLoad, load, shuffled } = require('./lib/load');
const { call } = require('./lib/app-process');
const { figure, median } = require('./lib/results');

const METRICS = ['outflow_to_work', 'sustained_outflow', 'satisfaction_share', 'cost_per_case'];
const CONNECTIONS = 64;

function settings(quick) {
  return quick
    ? { rounds: 2, appRequests: 3200, pgRequests: 256, warmup: 640 }
    : { rounds: 3, appRequests: 6400, pgRequests: 640, warmup: 640 };
}

/** Municipalities of the release and the periods (years, quarters, months) that answer for them. */
async function requestSpace(app, release) {
  const years = [...new Set((release.manifest.periods ? [release.manifest.periods.from, release.manifest.periods.to] : []).map((p) => String(p).slice(0, 4)))];
  const first = Number(years[0] ?? 2016);
  const last = Number(years[years.length - 1] ?? 2025);
  const rows = await call(app.url, 'GET', `/api/v1/metrics?metric=outflow_to_work&level=municipality&period=${last}`);
  const units = [...new Set(rows.map((r) => r.unit))].sort();
  const periods = [];
  for (let y = first; y <= last; y++) {
    const months = Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`);
    for (const p of [String(y), `${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`, ...months]) {
      const r = await fetch(`${app.url}/api/v1/metrics?metric=outflow_to_work&level=municipality&unit=${units[0]}&period=${p}`);
      if (r.ok && (await r.json()).length > 0) periods.push(p);
    }
  }
  if (!units.length || !periods.length) throw new Error(`the release answers no municipality figures (${units.length} units, ${periods.length} periods)`);
  return { units, periods };
}

/** The release's peer groups as the app publishes them (CSV download), for the baseline's /benchmark. */
async function writePeersFile(app, release, file) {
  const r = await fetch(`${app.url}/api/v1/releases/${encodeURIComponent(release.id)}/download?table=peers&format=csv`);
  if (!r.ok) throw new Error(`peer groups download: ${r.status} ${await r.text()}`);
  fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return file;
}

/** Query strings metric/unit/period, shuffled, cut into consecutive slices that are never reused. */
function querySlices({ units, periods }) {
  const all = shuffled(METRICS.flatMap((metric) => units.flatMap((unit) => periods.map((period) => `metric=${metric}&unit=${unit}&period=${period}`))));
  let cursor = 0;
  return (n) => {
    if (cursor + n > all.length) throw new Error(`only ${all.length} distinct requests; asked for ${cursor + n}`);
    const slice = all.slice(cursor, cursor + n);
    cursor += n;
    return slice;
  };
}

/**
 * How many of the figures of some /benchmark answers (the unit's, its region's, the country's and every peer's
 * value) the baseline gives as the app does, of those the app publishes (not suppressed): the baseline must answer
 * the same question.
 */
async function baselineAgreement(app, pg, queries) {
  let same = 0;
  let compared = 0;
  const differing = [];
  const close = (a, b) => a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  for (const q of queries) {
    const [ours, theirs] = await Promise.all([call(app.url, 'GET', `/api/v1/benchmark?${q}`), call(pg.url, 'GET', `/benchmark?${q}`)]);
    const peerValue = new Map(theirs.peers.map((p) => [p.unit, p.value]));
    const pairs = [['unit', ours.unit, theirs.value.value], ['region', ours.region, theirs.region.value], ['national', ours.national, theirs.national.value],
      ...ours.peers.map((p) => ['peer', p, peerValue.get(p.unit) ?? null])];
    for (const [role, row, value] of pairs) {
      if (!row || row.suppressed || row.value === null) continue;
      compared++;
      if (close(row.value, value)) same++;
      else differing.push(`${q} ${role} ${row.unit}: ${row.value} against ${value}`);
    }
  }
  return { same, compared, differing };
}

const APP_PATH = { metrics: (q) => `/api/v1/metrics?level=municipality&${q}`, benchmark: (q) => `/api/v1/benchmark?${q}` };
const PG_PATH = { metrics: (q) => `/metrics?${q}`, benchmark: (q) => `/benchmark?${q}`, unitSums: (q) => `/unit-sums?${q}` };

/**
 * One round: both endpoints on both sides, and the baseline's unit sums alone (less than a /metrics row); the
 * baseline's /metrics and /benchmark (national aggregates) get fewer requests.
 */
async function round(i, s, next, app, pg, log) {
  const queries = next(s.appRequests);
  const pgQueries = { metrics: queries.slice(0, s.pgRequests), benchmark: queries.slice(0, s.pgRequests), unitSums: queries };
  const steps = [];
  for (const ep of ['metrics', 'benchmark']) {
    steps.push({ side: 'app', ep, run: () => load({ url: app.url, paths: queries.map(APP_PATH[ep]), connections: CONNECTIONS }) });
    steps.push({ side: 'pg', ep, run: () => load({ url: pg.url, paths: pgQueries[ep].map(PG_PATH[ep]), connections: CONNECTIONS }) });
  }
  steps.push({ side: 'pg', ep: 'unitSums', run: () => load({ url: pg.url, paths: pgQueries.unitSums.map(PG_PATH.unitSums), connections: CONNECTIONS }) });
  if (i % 2 === 1) steps.reverse();
  const out = { app: {}, pg: {} };
  for (const step of steps) {
    const r = await step.run();
    out[step.side][step.ep] = r;
    log(`round ${i + 1} ${step.side === 'app' ? 'app' : 'PostgreSQL'} /${step.ep === 'unitSums' ? 'unit-sums' : step.ep}: ${describeLoad(r)}`);
  }
  return out;
}

/**
 * The first requests after the restart: most partitions of the index are not loaded yet, and each first request
 * for one waits for its load from DuckDB. Measured once, before the rounds (which then find the index warm), and
 * reported without a goal: a one-off cost per partition after each start, not the cost of serving.
 */
async function coldRound(s, next, app, log) {
  const queries = next(s.appRequests);
  const out = {};
  for (const ep of ['metrics', 'benchmark']) {
    out[ep] = await load({ url: app.url, paths: queries.map(APP_PATH[ep]), connections: CONNECTIONS });
    log(`after the restart, app /${ep} (partitions loading): ${describeLoad(out[ep])}`);
  }
  return out;
}

function coldFigures(cold) {
  return ['metrics', 'benchmark'].map((ep) => figure({
    name: `/api/v1/${ep} p95 at 64 connections, first requests after a restart (partitions loading)`, value: cold[ep].p95, unit: 'ms',
    runs: 1, requestsPerRun: cold[ep].requests, rps: cold[ep].rps, connections: CONNECTIONS, errors: cold[ep].errors + cold[ep].timeouts, non2xx: cold[ep].non2xx,
  }));
}

/**
 * The floor the HTTP layer sets: /benchmark answers that the response cache holds (64 queries of the warm-up,
 * asked twice before, so admitted), cycled for as many requests as a round. No query runs; what remains is NestJS,
 * Fastify, the hooks and the socket writes. Reported without a goal, beside the new answers' figures.
 */
async function cachedRound(s, warm, app, log) {
  const queries = warm.slice(0, CONNECTIONS).map(APP_PATH.benchmark);
  for (let i = 0; i < 2; i++) await load({ url: app.url, paths: queries, connections: CONNECTIONS });
  const r = await load({ url: app.url, paths: queries, amount: s.appRequests, connections: CONNECTIONS });
  log(`app /benchmark from the response cache: ${describeLoad(r)}`);
  return r;
}

/**
 * The machine's floor for answers of this size: bare node:http in its own process sending the bytes of one real
 * /benchmark answer, under the same load as a round. Without a goal; it tells runs on a fast day from runs on a
 * slow one (this VM's speed changes by a factor of up to two between days), and how much of the machine's HTTP
 * capacity the app's new answers reach.
 */
async function bareHttpRound(s, warm, app, log) {
  const body = Buffer.from(await (await fetch(`${app.url}${APP_PATH.benchmark(warm[0])}`)).arrayBuffer());
  const bare = await startBareHttp(body);
  try {
    const paths = warm.slice(0, CONNECTIONS).map(APP_PATH.benchmark);
    await load({ url: bare.url, paths, amount: s.warmup, connections: CONNECTIONS });
    const r = await load({ url: bare.url, paths, amount: s.appRequests, connections: CONNECTIONS });
    log(`bare node:http sending one /benchmark answer (${bare.bytes} bytes): ${describeLoad(r)}`);
    return { ...r, bytes: bare.bytes };
  } finally {
    await bare.stop();
  }
}

function bareHttpFigures(r, rounds) {
  const extra = { runs: 1, requestsPerRun: r.requests, bodyBytes: r.bytes, connections: CONNECTIONS, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  const floor = `bare node:http in its own process sending the same ${r.bytes}-byte answer (this machine's floor, same run)`;
  return [
    figure({ name: 'bare node:http p95 at 64 connections, one /benchmark answer\'s bytes', value: r.p95, unit: 'ms', ...extra }),
    figure({
      name: '/api/v1/benchmark throughput at 64 connections, against the machine\'s bare HTTP floor', value: median(rounds.map((x) => x.app.benchmark.rps)),
      unit: 'req/s', baseline: floor, baselineValue: r.rps, ...extra,
    }),
  ];
}

function cachedFigures(r) {
  const extra = { runs: 1, requestsPerRun: r.requests, distinctRequests: CONNECTIONS, connections: CONNECTIONS, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  return [
    figure({ name: '/api/v1/benchmark p95 at 64 connections, answers from the response cache', value: r.p95, unit: 'ms', ...extra }),
    figure({ name: '/api/v1/benchmark throughput at 64 connections, answers from the response cache', value: r.rps, unit: 'req/s', ...extra }),
  ];
}

function figures(rounds, pg, appInfo) {
  const out = [];
  const baseline = `the same aggregation from PostgreSQL via TypeORM (${pg.backend})`;
  const unitSums = `the unit's sums alone from PostgreSQL via TypeORM, without the national value of the app's row (${pg.backend})`;
  for (const ep of ['metrics', 'benchmark']) {
    const app = rounds.map((r) => r.app[ep]);
    const base = rounds.map((r) => r.pg[ep]);
    const extra = {
      runs: rounds.length, requestsPerRun: app[0].requests, baselineRequestsPerRun: base[0].requests, connections: CONNECTIONS,
      errors: app.reduce((s, r) => s + r.errors + r.timeouts, 0), non2xx: app.reduce((s, r) => s + r.non2xx, 0),
      baselineErrors: base.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
    };
    out.push(figure({
      name: `/api/v1/${ep} p50 at 64 connections`, value: median(app.map((r) => r.p50)), unit: 'ms', baseline, baselineValue: median(base.map((r) => r.p50)),
      samples: app.map((r) => r.p50), baselineSamples: base.map((r) => r.p50), ...extra,
    }));
    out.push(figure({
      name: `/api/v1/${ep} p95 at 64 connections`, value: median(app.map((r) => r.p95)), unit: 'ms', baseline, baselineValue: median(base.map((r) => r.p95)),
      goal: 'p95 < 25 ms', check: (v) => v < 25 && extra.errors === 0 && extra.non2xx === 0,
      samples: app.map((r) => r.p95), baselineSamples: base.map((r) => r.p95), ...extra,
    }));
    out.push(figure({
      name: `/api/v1/${ep} throughput at 64 connections`, value: median(app.map((r) => r.rps)), unit: 'req/s', baseline, baselineValue: median(base.map((r) => r.rps)),
      ratio: median(rounds.map((r) => r.app[ep].rps / r.pg[ep].rps)), goal: '>= 10x the baseline', check: (_v, ratio) => ratio >= 10,
      samples: app.map((r) => r.rps), baselineSamples: base.map((r) => r.rps), ...extra, ...appInfo,
    }));
    if (ep === 'metrics') {
      const sums = rounds.map((r) => r.pg.unitSums);
      out.push(figure({
        name: '/api/v1/metrics throughput at 64 connections, against the unit\'s sums alone', value: median(app.map((r) => r.rps)), unit: 'req/s',
        baseline: unitSums, baselineValue: median(sums.map((r) => r.rps)), ratio: median(rounds.map((r) => r.app.metrics.rps / r.pg.unitSums.rps)),
        samples: app.map((r) => r.rps), baselineSamples: sums.map((r) => r.rps), baselineP95: median(sums.map((r) => r.p95)),
        baselineErrors: sums.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0), runs: rounds.length,
      }));
    }
  }
  return out;
}

async function run({ quick, log }) {
  const s = settings(quick);
  const shared = await releaseApp(quick, log);
  const { app } = shared;
  const space = await requestSpace(app, shared.release);
  const next = querySlices(space);
  log(`${space.units.length} municipalities x ${space.periods.length} periods x ${METRICS.length} metrics`);
  const peersFile = await writePeersFile(app, shared.release, path.join(path.dirname(shared.facts.facts), 'peer-groups.csv'));
  const pg = await startPgBaseline({ factsFile: shared.facts.facts, peersFile, metrics: METRICS });
  log(`PostgreSQL baseline: ${pg.rows} fact rows and ${pg.peerLinks} peer links loaded in ${pg.loadMs.toFixed(0)} ms into ${pg.backend}`);
  try {
    const warm = next(s.warmup);
    for (const ep of ['metrics', 'benchmark']) {
      await load({ url: app.url, paths: warm.map(APP_PATH[ep]), connections: CONNECTIONS });
      await load({ url: pg.url, paths: warm.slice(0, 64).map(PG_PATH[ep]), connections: CONNECTIONS });
    }
    const agreement = await baselineAgreement(app, pg, warm.slice(0, 20));
    log(`PostgreSQL baseline /benchmark: ${agreement.same} of ${agreement.compared} published values of 20 answers as the app's${agreement.differing.length ? `; differing: ${agreement.differing.slice(0, 4).join('; ')}` : ''}`);
    const cold = await coldRound(s, next, app, log);
    const rounds = [];
    for (let i = 0; i < s.rounds; i++) rounds.push(await round(i, s, next, app, pg, log));
    const cached = await cachedRound(s, warm, app, log);
    const bare = await bareHttpRound(s, warm, app, log);
    return [
      ...figures(rounds, pg, { factRows: shared.factRows, releaseMetricRows: shared.metricsRows, baselineFactRows: pg.rows, baselinePeerLinks: pg.peerLinks, appRssMb: app.rssMb() }),
      ...coldFigures(cold),
      ...cachedFigures(cached),
      ...bareHttpFigures(bare, rounds),
    ];
  } finally {
    await pg.stop();
  }
}

module.exports = { run };
