/**
 * Dashboard performance: the gzipped size of the initial JavaScript (the entry chunk and what index.html
 * preloads; goal <= 250 KB) and the time to the first drawn chart on the overview in headless Chromium,
 * median of 5 cold loads (fresh browser context each). Uses BENCH_WEB_URL when set, otherwise starts the
 * built server with demo data in a temporary DATA_DIR and waits for its first release.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const net = require('node:net');
const { spawn } = require('node:child_process');
/* global document */

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'apps', 'web', 'dist');
const LOADS = Number(process.env.BENCH_WEB_LOADS ?? 5);
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function waitFor(url, ms, child) {
  const until = Date.now() + ms;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function startServer() {
  if (process.env.BENCH_WEB_URL) return { url: process.env.BENCH_WEB_URL.replace(/\/$/, ''), stop: async () => {} };
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-web-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'apps', 'api', 'dist', 'main.js')], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, UITKOMST_MODE: 'demo', DATABASE_URL: '' }, stdio: 'ignore', detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 1500));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* stopped */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/api/health`, 180_000, child);
    await waitFor(`${url}/api/v1/releases/latest`, 600_000, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
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

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function run() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('apps/web/dist is missing: run `npm run build -w apps/web`');
  const sizes = bundleSizes();
  const { chromium } = require('playwright-core');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    await timeToFirstChart(browser, `${server.url}/`); // warms the server's caches, not the browser's
    const times = [];
    for (let i = 0; i < LOADS; i++) times.push(await timeToFirstChart(browser, `${server.url}/`));
    return {
      'initial JS gzipped KB (goal <= 250)': sizes.initialKb,
      'initial JS files': sizes.files,
      'all JS gzipped KB (lazy chunks included)': sizes.allKb,
      'largest chunk gzipped KB': `${sizes.largest[1].toFixed(1)} (${sizes.largest[0]})`,
      [`time to first chart ms, median of ${LOADS} cold loads`]: median(times),
      'time to first chart ms, min': Math.min(...times),
      'time to first chart ms, max': Math.max(...times),
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

module.exports = { run, bundleSizes };
