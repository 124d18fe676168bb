/**
 * READ_PROCESSES: the real server (`node apps/api/dist/main.js`, built by `npm run build`) with one read process.
 * The read process answers the public read API as the main process does, keeps answering when the main process
 * stalls, forwards every other request with the client's address, gets connections from the public port in turn
 * with the main process (none lost while it is busy) and is replaced when it dies.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { WIDE_HEADER, wideRow } from './ingestion-setup';
import { createDatabase, http as call, kill, ServerProcess, spawnServer, tempDir } from './faults-setup';
import { REGISTRY } from './releases-setup';
import { backends } from './test-app';

const TOKEN = 'read-processes-bootstrap-token';
const LIMIT = 40; // public reads per client address and minute
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request on a new connection, to a unix socket or the public port; null when no answer came within timeoutMs. */
function request(to: { socketPath: string } | { url: string }, pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Answer | null> {
  const target = 'url' in to ? { host: new URL(to.url).hostname, port: new URL(to.url).port } : { socketPath: to.socketPath };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, path: pathname, method: opts.method ?? 'GET', headers: { host: 'uitkomst.test', ...opts.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }); });
    });
    const timer = setTimeout(() => { req.destroy(); resolve(null); }, opts.timeoutMs ?? 30_000);
    req.on('error', (err) => { clearTimeout(timer); reject(err); }); // after a timeout's resolve(null), a no-op
    req.end(opts.body);
  });
}

/** The read processes of the server process `pid`, from /proc. */
const readProcessesOf = (pid: number) => fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  .filter((child) => { try { return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('read-main.js'); } catch { return false; } });

describe.each(backends())('read processes beside the main process on %s', (backend) => {
  let root: string;
  let server: ServerProcess;
  let drop: (() => Promise<void>) | null = null;
  let admin: string;
  let releaseId: string;
  let mainSocket: string;
  let readSocket: string;
  const READS = [
    '/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2024',
    '/api/v1/benchmark?metric=outflow_to_work&unit=GM0363&period=2024-Q1',
    '/api/v1/trends?metric=outflow_to_work&unit=GM0363&grain=month',
    '/api/v1/metrics?metric=nope',
    '/api/v1/metrics?metric=outflow_to_work&release=1999.9',
  ];

  beforeAll(async () => {
    root = tempDir(`read-processes-${backend}`);
    const db = backend === 'postgres' ? await createDatabase() : null;
    drop = db?.drop ?? null;
    server = await spawnServer({ dataDir: path.join(root, 'data'), databaseUrl: db?.url ?? null },
      { UITKOMST_BOOTSTRAP_TOKEN: TOKEN, READ_PROCESSES: '1', TRUST_PROXY: 'true', RATE_LIMIT_PUBLIC_PER_MINUTE: String(LIMIT) }, path.join(root, 'server.log'));
    const dir = /read processes serving the public read API beside this one: 1 \(sockets in (\S+?)\)/.exec(fs.readFileSync(server.log, 'utf8'))?.[1];
    expect(dir).toBeTruthy();
    mainSocket = path.join(dir!, 'main.sock');
    readSocket = path.join(dir!, 'read-0.sock');
    const boot = await fetch(`${server.url}/api/v1/admin/bootstrap`, { method: 'POST', headers: { 'x-bootstrap-token': TOKEN } });
    expect(boot.status).toBe(201);
    admin = ((await boot.json()) as { key: string }).key;
    expect((await call(server.url, 'POST', '/api/v1/admin/registry/import', { key: admin, body: REGISTRY })).status).toBeLessThan(300);
    const csv = `${WIDE_HEADER}\n${['2024-01', '2024-02', '2024-03'].flatMap((p) => ['ww', 'bijstand_kort'].flatMap((g) => [wideRow(p, g), wideRow(p, g, 'WP-AM18-02', 'GM0362')])).join('\n')}\n`;
    const posted = await call(server.url, 'POST', '/api/v1/submissions', { key: admin, body: csv, type: 'text/csv' });
    expect((await call(server.url, 'GET', `/api/v1/submissions/${posted.body.id}?wait=60`, { key: admin })).body.status).toBe('accepted');
    const published = await call(server.url, 'POST', '/api/v1/releases', { key: admin, body: {} });
    expect(published.status).toBe(201);
    releaseId = published.body.id;
  }, 180_000);

  afterAll(async () => {
    if (server) await kill(server);
    await drop?.();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers the read API as the main process does: same status, body, ETag and caching, errors included', async () => {
    for (const url of READS) {
      for (const accept of ['application/json', 'text/csv']) {
        const headers = { accept, 'x-forwarded-for': '10.1.0.1' };
        const [main, read] = [await request({ socketPath: mainSocket }, url, { headers }), await request({ socketPath: readSocket }, url, { headers })];
        expect(read!.status).toBe(main!.status);
        expect(read!.body).toBe(main!.body);
        for (const h of ['etag', 'cache-control', 'content-type', 'x-uitkomst-release', 'x-content-type-options', 'access-control-allow-origin']) expect([url, h, read!.headers[h]]).toEqual([url, h, main!.headers[h]]);
      }
    }
    const rows = JSON.parse((await request({ socketPath: readSocket }, READS[0], { headers: { 'x-forwarded-for': '10.1.0.1' } }))!.body);
    expect(rows.map((r: any) => r.unit).sort()).toEqual(['GM0362', 'GM0363']);
    expect(JSON.parse((await request({ socketPath: readSocket }, READS[3], { headers: { 'x-forwarded-for': '10.1.0.1' } }))!.body)).toMatchObject({ statusCode: 400, parameter: 'metric' });
    expect(JSON.parse((await request({ socketPath: readSocket }, READS[4], { headers: { 'x-forwarded-for': '10.1.0.1' } }))!.body)).toMatchObject({ statusCode: 404, parameter: 'release', allowed: ['latest', releaseId] });
  });

  it('serves released data and downloads itself: it answers while the main process is stopped, and what it forwards waits', async () => {
    const url = `/api/v1/benchmark?metric=outflow_to_work&unit=GM0362&period=2024&release=${releaseId}`;
    const headers = { 'x-forwarded-for': '10.2.0.1' };
    const downloads = [`/api/v1/releases/${releaseId}/download?format=csv&metric=outflow_to_work&unit=GM0363`, `/api/v1/releases/${releaseId}/files/manifest.json`];
    const before = await request({ socketPath: readSocket }, url, { headers });
    expect(before!.status).toBe(200);
    const fromMain = await Promise.all(downloads.map((d) => request({ socketPath: mainSocket }, d, { headers })));
    process.kill(server.child.pid!, 'SIGSTOP');
    try {
      const during = await request({ socketPath: readSocket }, `${url}&clientGroup=ww`, { headers, timeoutMs: 10_000 });
      expect(during!.status).toBe(200);
      expect(JSON.parse(during!.body).unit).toMatchObject({ unit: 'GM0362', clientGroup: 'ww' });
      for (const [i, d] of downloads.entries()) {
        const got = await request({ socketPath: readSocket }, d, { headers, timeoutMs: 10_000 });
        expect([d, got!.status, got!.headers['content-disposition'], got!.body]).toEqual([d, 200, fromMain[i]!.headers['content-disposition'], fromMain[i]!.body]);
      }
      expect(fromMain[0]!.body.split('\n').filter(Boolean).length).toBeGreaterThan(1);
      expect(await request({ socketPath: readSocket }, '/api/health', { headers, timeoutMs: 1_500 })).toBeNull();
    } finally {
      process.kill(server.child.pid!, 'SIGCONT');
    }
  });

  it('forwards everything else to the main process: writes with their key, and the client\'s address for rate limits', async () => {
    const health = await request({ socketPath: readSocket }, '/api/health');
    expect([health!.status, health!.body]).toEqual([200, expect.any(String)]);
    expect(JSON.parse(health!.body)).toMatchObject({ status: 'ok' });
    const made = await request({ socketPath: readSocket }, '/api/v1/admin/keys', {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'submitter', organisationCode: 'ORG-GM0363' }),
    });
    expect([made!.status, made!.body]).toEqual([201, expect.stringContaining('"key"')]);
    expect((await request({ socketPath: readSocket }, '/api/v1/admin/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))!.status).toBe(401);

    // the codebook is a public read the read process forwards: the main process counts it against the client's address
    const codebook = (client: string, socketPath = readSocket) => request({ socketPath }, '/api/v1/codebook', { headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < LIMIT; i++) expect((await codebook('10.3.0.1'))!.status).toBe(200);
    const over = await codebook('10.3.0.1', mainSocket);
    expect(over!.status).toBe(429);
    expect(JSON.parse(over!.body)).toMatchObject({ limit: 'public' });
    expect((await codebook('10.3.0.2', mainSocket))!.status).toBe(200);
  });

  it('hands public connections in turn to both processes; a stopped read process delays its connections and loses none', async () => {
    const [reader] = readProcessesOf(server.child.pid!);
    const url = `/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2024-01&release=${releaseId}`;
    const expected = (await request({ url: server.url }, url))!.body;
    process.kill(reader, 'SIGSTOP');
    let answers: (Answer | null)[];
    const pending: Promise<Answer | null>[] = [];
    try {
      // four new connections, one after another: two go to the stopped process and wait for it
      answers = [];
      for (let i = 0; i < 4; i++) {
        const answer = request({ url: server.url }, url, { timeoutMs: 60_000 });
        const settled = await Promise.race([answer, sleep(3_000).then(() => 'waiting' as const)]);
        if (settled === 'waiting') pending.push(answer);
        else answers.push(settled);
      }
      expect([answers.length, pending.length]).toEqual([2, 2]);
    } finally {
      process.kill(reader, 'SIGCONT');
    }
    answers.push(...(await Promise.all(pending)));
    for (const a of answers) expect([a!.status, a!.body]).toEqual([200, expected]);
  });

  it('starts another read process when one dies, and serves on meanwhile', async () => {
    const health = async () => JSON.parse((await request({ url: server.url }, '/api/health'))!.body).readProcesses;
    const before = await health();
    expect(before).toMatchObject({ configured: 1, serving: 1 });
    const [reader] = readProcessesOf(server.child.pid!);
    process.kill(reader, 'SIGKILL');
    const until = Date.now() + 60_000;
    let replacement: number | undefined;
    while (Date.now() < until && !replacement) {
      await sleep(200);
      replacement = readProcessesOf(server.child.pid!).find((pid) => pid !== reader);
    }
    expect(replacement).toBeDefined();
    for (let i = 0; i < 4; i++) expect((await request({ url: server.url }, READS[0]))!.status).toBe(200);
    while (Date.now() < until && !/read process 1 started again/.test(fs.readFileSync(server.log, 'utf8'))) await sleep(200);
    expect(await health()).toEqual({ configured: 1, serving: 1, restarts: before.restarts + 1 });
    const again = await request({ socketPath: readSocket }, READS[1], { headers: { 'x-forwarded-for': '10.4.0.1' } });
    expect(again!.status).toBe(200);
    expect(JSON.parse(again!.body).unit).toMatchObject({ unit: 'GM0363' });
  });
});
