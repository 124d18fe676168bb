/**
 * Soak on loopback: the public endpoints of the released app (lib/release-app.js) at 64 keep-alive connections
 * for 2 minutes (--quick: 20 s) with autocannon, while submissions arrive: every few seconds a 10k-row slice of the
 * released facts is uploaded (a correction of values already there, so each is accepted, supersedes values and
 * triggers the app's debounced metrics rebuild). The request mix cycles through /metrics, /benchmark, /funnel,
 * /trends, /typology, /profile, /municipalities, /releases/latest and /codebook for random metrics, municipalities
 * and periods; repeats are allowed (the response cache serves part of them, as it would in production).
 * Reports errors (must be 0), non-2xx answers, latency and the app's RSS at the start, its peak and at the end.
 */
const fs = require('node:fs');
const path = require('node:path');
const { releaseApp } = require('./lib/release-app');
const { uploadUntilFinal, sleep } = require('./lib/app-process');
const { sliceCsv } = require('./lib/fixtures');
const { need } = require('./lib/modules');
const { shuffled } = require('./lib/load');
const { figure, quantile, median, maxOf } = require('./lib/results');

const CONNECTIONS = 64;
const SUBMISSION_ROWS = 10_000;
const SUBMISSION_EVERY_MS = 5000;
const DIMENSIONS = ['integration_level', 'phase', 'team_model', 'co_located'];
const METRICS = ['outflow_to_work', 'sustained_outflow', 'satisfaction_share', 'satisfaction_mean', 'cost_per_case', 'joint_plan_share'];

async function publicPaths(app, releaseId) {
  const get = async (route) => {
    const res = await fetch(`${app.url}${route}`);
    if (!res.ok) throw new Error(`${route} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.json();
  };
  const periods = [...new Set((await get('/api/v1/metrics?metric=outflow_to_work&level=national&grain=year')).map((r) => r.period))].sort();
  const units = [...new Set((await get(`/api/v1/metrics?metric=outflow_to_work&level=municipality&period=${periods[periods.length - 1]}`)).map((r) => r.unit))];
  const paths = [];
  const pick = (xs, i) => xs[i % xs.length];
  for (let i = 0; i < 4000; i++) {
    const metric = pick(METRICS, i);
    const unit = pick(units, i * 7 + 3);
    const period = pick(periods, i * 13 + 1);
    paths.push(
      `/api/v1/metrics?metric=${metric}&level=municipality&unit=${unit}&period=${period}`,
      `/api/v1/benchmark?metric=${metric}&unit=${unit}&period=${period}`,
    );
    if (i % 4 === 0) paths.push(`/api/v1/trends?metric=${metric}&unit=${unit}`, `/api/v1/profile/${unit}?period=${period}`);
    if (i % 20 === 0) paths.push(`/api/v1/funnel?metric=${metric}&level=municipality&period=${period}`, `/api/v1/typology?metric=${metric}&period=${period}&dimension=${pick(DIMENSIONS, i / 20)}`);
  }
  paths.push('/api/v1/municipalities', '/api/v1/releases/latest', `/api/v1/releases/${releaseId}`, '/api/v1/codebook');
  return shuffled([...new Set(paths)], 7);
}

/**
 * Polls the app's RSS every 250 ms; the returned function gives start, peak and end, and the peaks of the first
 * and second half of the soak (memory that keeps growing shows as a higher second half).
 */
function watchRss(app) {
  const samples = [{ t: Date.now(), mb: app.rssMb() }];
  app.resetPeak();
  const timer = setInterval(() => samples.push({ t: Date.now(), mb: app.rssMb() }), 250);
  return () => {
    clearInterval(timer);
    samples.push({ t: Date.now(), mb: app.rssMb() });
    const mid = (samples[0].t + samples[samples.length - 1].t) / 2;
    const peak = (xs) => maxOf(xs.map((x) => x.mb));
    return {
      startMb: samples[0].mb, endMb: samples[samples.length - 1].mb, peakMb: Math.max(peak(samples), app.peakMb()),
      firstHalfPeakMb: peak(samples.filter((x) => x.t <= mid)), secondHalfPeakMb: peak(samples.filter((x) => x.t > mid)),
    };
  };
}

/** Loads the release and its partitions, as the first visitors after a start would. */
async function warmUp(url, paths) {
  const { load } = require('./lib/load');
  await load({ url, paths: paths.slice(0, 256), connections: 8 });
}

/** Uploads consecutive 10k-row slices of `factsFile` every few seconds until `until()`. */
async function submissionsUntil(app, factsFile, rows, dir, until) {
  const done = [];
  for (let i = 0; !until(); i++) {
    const started = Date.now();
    const file = path.join(dir, `soak-${i}.csv`);
    await sliceCsv(factsFile, (i * SUBMISSION_ROWS) % Math.max(1, rows - SUBMISSION_ROWS), SUBMISSION_ROWS, file);
    try {
      const r = await uploadUntilFinal(app, file, 'text/csv');
      done.push({ ok: true, ms: r.ms });
    } catch (err) {
      done.push({ ok: false, error: String(err.message).slice(0, 300) });
    }
    fs.rmSync(file, { force: true });
    const wait = SUBMISSION_EVERY_MS - (Date.now() - started);
    if (wait > 0 && !until()) await sleep(wait);
  }
  return done;
}

/** autocannon for `seconds`; also keeps every latency and a sample of the answers that were not 2xx. */
function soakLoad(url, paths, seconds) {
  const autocannon = need('autocannon');
  let next = 0;
  const latencies = [];
  const failures = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url, connections: CONNECTIONS, duration: seconds, timeout: 30,
      requests: [{
        setupRequest: (req, context) => {
          context.path = paths[next++ % paths.length];
          return { ...req, path: context.path };
        },
        onResponse: (status, body, context) => {
          if ((status < 200 || status > 299) && failures.length < 20) failures.push(`${status} ${context.path}: ${String(body).slice(0, 200)}`);
        },
      }],
    }, (err, result) => (err ? reject(err) : resolve({ result, latencies, failures })));
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  });
}

async function run({ quick, log }) {
  const seconds = quick ? 20 : 120;
  const shared = await releaseApp(quick, log);
  const { app, release, facts } = shared;
  const paths = await publicPaths(app, release.id);
  const dir = fs.mkdtempSync(path.join(app.dataDir, 'bench-soak-'));
  try {
    await warmUp(app.url, paths);
    const rss = watchRss(app);
    let finished = false;
    const submissions = submissionsUntil(app, facts.facts, facts.rows, dir, () => finished);
    const { result, latencies, failures } = await soakLoad(app.url, paths, seconds);
    finished = true;
    const subs = await submissions;
    const memory = rss();
    const errors = result.errors + result.timeouts;
    const accepted = subs.filter((s) => s.ok);
    log(`${result.requests.total} requests in ${result.duration} s over ${paths.length} distinct paths: errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}; `
      + `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`);
    for (const f of failures.slice(0, 5)) log(`not 2xx: ${f}`);
    log(`${subs.length} submissions (${accepted.length} accepted, median ${median(accepted.map((s) => s.ms)).toFixed(0)} ms until accepted)${subs.some((s) => !s.ok) ? `; failed: ${subs.find((s) => !s.ok).error}` : ''}`);
    log(`app RSS: start ${memory.startMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB (first half ${memory.firstHalfPeakMb.toFixed(0)}, second half ${memory.secondHalfPeakMb.toFixed(0)}), end ${memory.endMb.toFixed(0)} MB`);
    const common = { runs: 1, seconds: result.duration, connections: CONNECTIONS, requests: result.requests.total, submissions: subs.length, submissionsAccepted: accepted.length };
    return [
      figure({
        name: `soak ${seconds} s at 64 connections while submissions arrive: errors`, value: errors, unit: 'errors', goal: '0 (and every submission accepted)',
        check: (v) => v === 0 && accepted.length === subs.length, ...common, timeouts: result.timeouts, non2xx: result.non2xx,
      }),
      figure({ name: 'soak: non-2xx answers', value: result.non2xx, unit: 'answers', goal: '0', check: (v) => v === 0, ...common, statusCodes: result.statusCodeStats, sample: failures.slice(0, 5) }),
      figure({
        name: 'soak: latency p95 of public endpoints', value: quantile(latencies, 0.95), unit: 'ms', ...common,
        p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: maxOf(latencies), rps: result.requests.total / result.duration,
        submissionMedianMs: median(accepted.map((s) => s.ms)),
      }),
      figure({
        name: `soak: ${SUBMISSION_ROWS / 1000}k-row correction until accepted, median`, value: median(accepted.map((s) => s.ms)), unit: 'ms', ...common,
        max: Math.max(...accepted.map((s) => s.ms)), samples: accepted.map((s) => Math.round(s.ms)),
      }),
      figure({
        name: 'soak: app peak RSS, second half vs first half', value: memory.secondHalfPeakMb, unit: 'MB', baseline: 'peak RSS in the first half of the soak',
        baselineValue: memory.firstHalfPeakMb, goal: 'bounded: ratio <= 1.1', check: (_v, ratio) => ratio <= 1.1, ...common,
        rssStartMb: memory.startMb, rssPeakMb: memory.peakMb, rssEndMb: memory.endMb,
      }),
      figure({
        name: 'soak: app peak RSS', value: memory.peakMb, unit: 'MB', baseline: 'app RSS at the start of the soak', baselineValue: memory.startMb, ...common,
      }),
      figure({
        name: 'soak: app RSS at the end', value: memory.endMb, unit: 'MB', baseline: 'app RSS at the start of the soak', baselineValue: memory.startMb, ...common,
      }),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
