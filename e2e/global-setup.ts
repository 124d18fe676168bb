/**
 * Starts the built server (`node apps/api/dist/main.js`, with one read process unless E2E_READ_PROCESSES says
 * otherwise) on a free port with a temporary DATA_DIR, waits for health and for the demo release, and reads a
 * submitter key. E2E_BASE_URL skips all that and uses a running server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type E2eState, OUTPUT_DIR, STATE_FILE } from './support/state';
import { freePort } from '../apps/api/test/free-port';

const ROOT = path.resolve(__dirname, '..');
const HEALTH_TIMEOUT_MS = 3 * 60_000;
const RELEASE_TIMEOUT_MS = Number(process.env.E2E_RELEASE_TIMEOUT_MS ?? 15 * 60_000);

async function waitFor(url: string, timeoutMs: number, child: ChildProcess | null, what: string) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited (code ${child.exitCode}) while waiting for ${what}; see test-output/e2e-server.log`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${url})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function submitterKey(dataDir: string | null): string | null {
  const file = process.env.E2E_KEYS_FILE ?? (dataDir ? path.join(dataDir, 'demo-keys.json') : null);
  if (!file || !fs.existsSync(file)) return process.env.E2E_SUBMITTER_KEY ?? null;
  const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as { submitters?: { key: string }[] };
  return keys.submitters?.[0]?.key ?? null;
}

export default async function globalSetup() {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  if (process.env.E2E_BASE_URL) {
    const state: E2eState = { baseUrl: process.env.E2E_BASE_URL.replace(/\/$/, ''), submitterKey: submitterKey(process.env.E2E_DATA_DIR ?? null), dataDir: null, pid: null };
    fs.writeFileSync(STATE_FILE, JSON.stringify(state));
    return;
  }
  const main = path.join(ROOT, 'apps/api/dist/main.js');
  if (!fs.existsSync(main)) throw new Error('apps/api/dist/main.js is missing: run `npm run build` first');
  if (!fs.existsSync(path.join(ROOT, 'apps/web/dist/index.html'))) throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-e2e-'));
  const log = fs.openSync(path.join(OUTPUT_DIR, 'e2e-server.log'), 'w');
  const child = spawn(process.execPath, [main], {
    // with a read process (docs/operations.md, Scaling), so a browser's connections reach both processes: reads
    // served by the read process, the dashboard's files and every write forwarded by it to the main process
    cwd: ROOT, env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, UITKOMST_MODE: 'demo', DATABASE_URL: '', READ_PROCESSES: process.env.E2E_READ_PROCESSES ?? '1' },
    stdio: ['ignore', log, log], detached: true,
  });
  (globalThis as Record<string, unknown>).__UITKOMST_SERVER__ = child;
  const baseUrl = `http://127.0.0.1:${port}`;
  const state: E2eState = { baseUrl, submitterKey: null, dataDir, pid: child.pid ?? null };
  fs.writeFileSync(STATE_FILE, JSON.stringify(state));
  await waitFor(`${baseUrl}/api/health`, HEALTH_TIMEOUT_MS, child, 'health');
  await waitFor(`${baseUrl}/api/v1/releases/latest`, RELEASE_TIMEOUT_MS, child, 'a published release');
  state.submitterKey = submitterKey(dataDir);
  fs.writeFileSync(STATE_FILE, JSON.stringify(state));
}
