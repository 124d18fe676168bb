/**
 * The app the way users run it: `node apps/api/dist/main.js` as a child process, production mode, its own
 * DATA_DIR, embedded PostgreSQL unless the bench itself runs with DATABASE_URL (then a fresh database on that
 * server, dropped afterwards). The first admin key comes from the bootstrap endpoint; the fixtures registry
 * is imported over HTTP. Memory is read from /proc/<pid>/status.
 */
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'apps', 'api', 'dist', 'main.js');
const API_DIST = path.join(ROOT, 'apps', 'api', 'dist');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Kilobytes of a /proc/<pid>/status field (VmRSS, VmHWM), or null when the process is gone. */
function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** A process and its children (the app's read processes), from /proc. */
function processTree(pid) {
  let children = [];
  try { children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { /* gone */ }
  return [pid, ...children];
}

/** Peak RSS since start or since the last reset; writing 5 to clear_refs resets VmHWM (Linux >= 4.0, own process). */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh database on the server in DATABASE_URL (as apps/api/test/test-app.ts), optionally a copy of `template`,
 * or null for embedded PGlite.
 */
async function createDatabase(serverUrl, template = null) {
  if (!serverUrl) return null;
  const { Client } = require(require.resolve('pg', { paths: [API_DIST] }));
  const name = `uitkomst_bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => dropDatabase(serverUrl, name) };
}

async function dropDatabase(serverUrl, name) {
  const { Client } = require(require.resolve('pg', { paths: [API_DIST] }));
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
}

async function waitForHealth(url, child, ms) {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try { if ((await fetch(`${url}/api/health`)).ok) return; } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`the app did not answer ${url}/api/health within ${ms} ms`);
    await sleep(100);
  }
}

/** A JSON request with node:http, which has no response timeout (fetch gives up on headers after 300 s: publishing can take longer). */
function call(url, method, route, { key, body, headers = {}, expect = [200, 201] } = {}) {
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (!expect.includes(res.statusCode)) return reject(new Error(`${method} ${route} answered ${res.statusCode}: ${text.slice(0, 500)}`));
        resolve(text ? JSON.parse(text) : null);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

/**
 * Starts the app and returns { url, pid, dataDir, adminKey, backend, rssMb(), peakMb(), resetPeak(), readProcesses(), stop() }.
 * `registryFile`: a fixtures registry.json to import; `template`: a stopped app's state (see prepareTemplate)
 * to start from, registry and admin key included; `reuse`: the data of a stopped app (see restart).
 */
async function startApp({ registryFile = null, template = null, reuse = null, env = {}, nodeArgs = [] } = {}) {
  const dataDir = reuse ? reuse.dataDir : fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-app-'));
  if (template) fs.cpSync(template.dataDir, dataDir, { recursive: true });
  const db = reuse ? reuse.db : await createDatabase(process.env.DATABASE_URL, template?.database ?? null);
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const childEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATA_DIR: dataDir,
    UITKOMST_MODE: 'production',
    UITKOMST_LOAD_DEMO: 'false',
    UITKOMST_BOOTSTRAP_TOKEN: token,
    DATABASE_URL: db ? db.url : '',
    MAX_UPLOAD_BYTES: String(4 * 1024 ** 3),
    RATE_LIMIT_PUBLIC_PER_MINUTE: '0',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '0',
    ...env,
  };
  const log = fs.openSync(path.join(dataDir, 'app.log'), 'a');
  const started = Date.now();
  // BENCH_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles every app the bench starts.
  const extraArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...extraArgs, MAIN], { env: childEnv, stdio: ['ignore', log, log], cwd: ROOT });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async ({ keep = false } = {}) => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const exited = new Promise((r) => child.once('exit', r));
      if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]) === false) child.kill('SIGKILL');
      await exited;
    }
    if (keep) return;
    await db?.drop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, 120_000);
    const startMs = Date.now() - started;
    const key = reuse ? reuse.adminKey : template ? template.adminKey : (await call(url, 'POST', '/api/v1/admin/bootstrap', { headers: { 'x-bootstrap-token': token } })).key;
    if (registryFile) await call(url, 'POST', '/api/v1/admin/registry/import', { key, body: JSON.parse(fs.readFileSync(registryFile, 'utf8')) });
    return {
      url, dataDir, adminKey: key, pid: child.pid, child, startMs, database: db?.name ?? null,
      backend: db ? 'PostgreSQL server (DATABASE_URL)' : 'embedded PGlite (in the app process)',
      // the main process and its read processes (READ_PROCESSES): peaks are summed per process
      rssMb: () => processTree(child.pid).reduce((mb, pid) => mb + (procStatusKb(pid, 'VmRSS') ?? 0) / 1024, 0),
      peakMb: () => processTree(child.pid).reduce((mb, pid) => mb + (procStatusKb(pid, 'VmHWM') ?? 0) / 1024, 0),
      resetPeak: () => processTree(child.pid).every((pid) => resetPeak(pid)),
      readProcesses: () => processTree(child.pid).slice(1),
      log: () => fs.readFileSync(path.join(dataDir, 'app.log'), 'utf8'),
      stop,
      /** Stops this process and starts the app again on the same data (and database), with `env`. */
      async restart(opts = {}) {
        await stop({ keep: true });
        return startApp({ ...opts, reuse: { dataDir, db, adminKey: key } });
      },
    };
  } catch (err) {
    let tail = '';
    try { tail = fs.readFileSync(path.join(dataDir, 'app.log'), 'utf8').slice(-2000); } catch { /* no log */ }
    await stop();
    throw new Error(`${err.message}\n--- app log ---\n${tail}`);
  }
}

/** Uploads a file as the raw body and waits for the final status; returns { ms, uploadMs, status, submission }. */
async function uploadUntilFinal(app, file, contentType) {
  const t = process.hrtime.bigint();
  // The CLI's upload (`npm run cli -- submit`): the file streamed from disk, as curl -T would send it.
  const { postFile } = require(path.join(API_DIST, 'cli', 'http-client'));
  const { status, body: posted } = await postFile(`${app.url}/api/v1/submissions`,
    { authorization: `Bearer ${app.adminKey}`, 'content-type': contentType, 'content-disposition': `attachment; filename="${path.basename(file)}"` }, file);
  const uploadMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (status !== 202) throw new Error(`upload of ${path.basename(file)} answered ${status}: ${JSON.stringify(posted).slice(0, 500)}`);
  let s = posted;
  while (!['accepted', 'rejected', 'failed'].includes(s.status)) {
    s = await call(app.url, 'GET', `/api/v1/submissions/${posted.id}?wait=60`, { key: app.adminKey });
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (s.status !== 'accepted') throw new Error(`${path.basename(file)} was ${s.status}: ${JSON.stringify(s.errors ?? s.errorsSample ?? s).slice(0, 800)}`);
  return { ms, uploadMs, submission: s };
}

/**
 * A stopped app with the fixtures registry imported and an admin key: apps started from it skip the first start
 * and the registry import. `drop()` removes it.
 */
async function prepareTemplate(registryFile) {
  const app = await startApp({ registryFile });
  await app.stop({ keep: true });
  fs.rmSync(path.join(app.dataDir, 'app.log'), { force: true });
  return {
    dataDir: app.dataDir, adminKey: app.adminKey, database: app.database,
    async drop() {
      fs.rmSync(app.dataDir, { recursive: true, force: true });
      if (app.database) await dropDatabase(process.env.DATABASE_URL, app.database).catch(() => undefined);
    },
  };
}

module.exports = { prepareTemplate, createDatabase, startApp, uploadUntilFinal, call, freePort, procStatusKb, sleep, ROOT, API_DIST };
