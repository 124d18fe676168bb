/**
 * Dashboard performance: the gzipped size of the initial JavaScript (the entry chunk and what index.html
 * preloads; goal <= 250 KB) and the time to the first drawn chart on the overview in headless Chromium
 * (/usr/bin/chromium or CHROMIUM_PATH, via playwright-core), median of 5 cold loads (--quick: 3), each in a fresh
 * browser context, after one load that warms the server's caches. Served by the shared released app
 * (lib/release-app.js), or BENCH_WEB_URL when set. No baseline: both goals are absolute.
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { releaseApp } = require('./lib/release-app');
const { figure, median } = require('./lib/results');
/* global document */

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'apps', 'web', 'dist');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const gzipKb = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length / 1024;

/** Scripts and module preloads referenced by index.html: what the browser fetches before any route chunk. */
function bundleSizes() {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
  const initial = [...new Set(refs)].map((r) => path.join(DIST, r.replace(/^\//, '')));
  const all = fs.readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => path.join(DIST, 'assets', f));
  const largest = all.map((f) => [path.basename(f), gzipKb(f)]).sort((a, b) => b[1] - a[1])[0];
  return {
    initialKb: initial.reduce((s, f) => s + gzipKb(f), 0),
    files: initial.length,
    allKb: all.reduce((s, f) => s + gzipKb(f), 0),
    largest,
  };
}

/** BENCH_WEB_URL when set, otherwise the shared released app (it serves the built dashboard at /). */
async function server(quick, log) {
  if (process.env.BENCH_WEB_URL) return process.env.BENCH_WEB_URL.replace(/\/$/, '');
  const { app } = await releaseApp(quick, log);
  return app.url;
}

/** Milliseconds from navigation start to the first chart with drawn marks, in a cold context. */
async function timeToFirstChart(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('[data-chart] svg g[data-mark] > *') !== null, null, { timeout: 60_000, polling: 'raf' });
    return await page.evaluate(() => performance.now());
  } finally {
    await context.close();
  }
}

async function run({ quick, log }) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('apps/web/dist is missing: run `npm run build -w apps/web`');
  const loads = Number(process.env.BENCH_WEB_LOADS ?? (quick ? 3 : 5));
  const sizes = bundleSizes();
  const { chromium } = require('playwright-core');
  const url = await server(quick, log);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    await timeToFirstChart(browser, `${url}/`); // warms the server's caches, not the browser's
    const times = [];
    for (let i = 0; i < loads; i++) times.push(await timeToFirstChart(browser, `${url}/`));
    log(`initial JS ${sizes.initialKb.toFixed(1)} KB gzipped in ${sizes.files} files; first chart after ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    return [
      figure({
        name: 'dashboard initial JS (gzip)', value: sizes.initialKb, unit: 'KB', goal: '<= 250 KB', check: (v) => v <= 250, runs: 1,
        files: sizes.files, allJsKb: sizes.allKb, largestChunk: `${sizes.largest[0]} ${sizes.largest[1].toFixed(1)} KB`,
      }),
      figure({
        name: 'dashboard time to first chart (headless Chromium, cold context)', value: median(times), unit: 'ms', goal: '< 1000 ms', check: (v) => v < 1000,
        runs: loads, samples: times, min: Math.min(...times), max: Math.max(...times),
      }),
    ];
  } finally {
    await browser.close();
  }
}

module.exports = { run, bundleSizes };
