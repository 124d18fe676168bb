/**
 * The app serving a published release, shared by the query, export, soak and web modules of one bench run.
 * Started from the scale-1 template (the demo registry), it gets the fixture facts over HTTP (full: the whole
 * demo set, 2016-2025, 5.7M long rows; --quick: July to December 2025) and publishes release 1; then it is restarted with
 * the default settings (debounced metrics rebuilds on), so every module sees a freshly started server.
 */
const { startApp, uploadUntilFinal, call } = require('./app-process');
const { fixtureSet } = require('./fixtures');
const { prepared, onCleanup } = require('./shared');

const NO_REBUILD = { METRICS_DEBOUNCE_MS: '2000000000' }; // publishing builds the marts itself
// served as docs/operations.md (Scaling) advises: a read process per core beyond the first; READ_PROCESSES=0 for one process
const SERVING = { READ_PROCESSES: process.env.READ_PROCESSES ?? 'auto' };
let shared = null;

function releaseWindow(quick) {
  return quick ? { from: '2025-07' } : {};
}

async function startReleaseApp(quick, log) {
  const { template } = await prepared(1);
  const facts = fixtureSet(1, releaseWindow(quick));
  const setup = await startApp({ template, env: NO_REBUILD });
  let app = setup;
  try {
    const t = performance.now();
    const upload = await uploadUntilFinal(setup, facts.facts, 'text/csv');
    const uploadMs = performance.now() - t;
    const t2 = performance.now();
    const release = await call(setup.url, 'POST', '/api/v1/releases', { key: setup.adminKey, body: { title: 'bench' } });
    const publishMs = performance.now() - t2;
    app = await setup.restart({ env: SERVING });
    const metricsRows = release.manifest.files.find((f) => f.table === 'metrics').rows;
    log?.(`release app: ${facts.rows} fact rows accepted in ${uploadMs.toFixed(0)} ms, release ${release.id} (${metricsRows} metric rows) published in ${publishMs.toFixed(0)} ms; ${app.backend}; read processes beside the main one: ${app.readProcesses().length}`);
    return { app, release, facts, factRows: upload.submission.valueCount, metricsRows, publishMs, uploadMs };
  } catch (err) {
    await app.stop();
    throw err;
  }
}

/** The shared app (started on first use, stopped at the end of the bench run). */
function releaseApp(quick, log) {
  if (!shared) {
    shared = startReleaseApp(quick, log);
    onCleanup(async () => {
      const s = await shared.catch(() => null);
      shared = null;
      await s?.app.stop();
    });
  }
  return shared;
}

module.exports = { releaseApp };
