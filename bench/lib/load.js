/**
 * HTTP load with autocannon (in this process): `amount` requests over `connections` keep-alive connections,
 * each request taking the next path of `paths`. Latency quantiles come from every response's time (autocannon's
 * own summary has no p95).
 */
const { need } = require('./modules');
const { maxOf, quantile } = require('./results');

function load({ url, paths, amount = paths.length, connections = 64, timeoutSeconds = 30 }) {
  const autocannon = need('autocannon');
  let next = 0;
  const latencies = [];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let lastAnswer = started;
    const instance = autocannon({
      url, connections, amount, timeout: timeoutSeconds,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
    }, (err, result) => {
      if (err) return reject(err);
      // autocannon notices the end on its 1-second tick, so its duration is rounded: time to the last answer instead
      const seconds = Number(lastAnswer - started) / 1e9;
      resolve({
        requests: result.requests.total,
        seconds,
        rps: result.requests.total / seconds,
        p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), max: maxOf(latencies),
        errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx,
        statusCodes: result.statusCodeStats,
      });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastAnswer = process.hrtime.bigint();
    });
  });
}

/** One line for a log: requests, p50, p95, throughput and failures of a `load` result. */
function describeLoad(r) {
  return `${r.requests} requests, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, ${r.rps.toFixed(0)} req/s, errors ${r.errors}, non-2xx ${r.non2xx}`;
}

/** A reproducible shuffle, so that app and baseline get the same request sequence. */
function shuffled(items, seed = 42) {
  const a = [...items];
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

module.exports = { describeLoad, load, shuffled };
