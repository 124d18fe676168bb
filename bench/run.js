/**
 * `npm run bench` (build, then this): runs every bench module (bench/*.js with a `run` export) or only those
 * named (`node bench/run.js ingestion query`), each returning figures in the common format (lib/results.js).
 * `--quick` uses smaller data and fewer runs (the whole run in under 5 minutes on 2 cores). Writes
 * bench/results/latest.json (the figures), latest.md (machine and table) and prints the table at the end.
 * See docs/performance.md.
 */
const fs = require('node:fs');
const path = require('node:path');
const { cleanupAll } = require('./lib/shared');
const { machine, markdownTable, writeResults } = require('./lib/results');

// The order matters only for time: the modules sharing the released app (query, export, soak, web) run together.
const ORDER = ['ingestion', 'metrics', 'query', 'export', 'soak', 'web'];

function modulesToRun(only) {
  const available = fs.readdirSync(__dirname).filter((f) => f.endsWith('.js') && f !== 'run.js').map((f) => path.basename(f, '.js'));
  const unknown = only.filter((m) => !available.includes(m));
  if (unknown.length) throw new Error(`unknown bench module(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
  const rank = (m) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
  return available.filter((m) => only.length === 0 || only.includes(m)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const modules = modulesToRun(args.filter((a) => !a.startsWith('--')));
  const info = { quick, modules, machine: machine(), notes: [], seconds: 0 };
  const started = Date.now();
  const all = [];
  let failed = 0;
  console.log(`bench${quick ? ' --quick' : ''}: ${modules.join(', ')} on ${info.machine.cpus} cpus, node ${info.machine.node}, ${info.machine.database}`);
  try {
    for (const name of modules) {
      const mod = require(path.join(__dirname, `${name}.js`));
      if (typeof mod.run !== 'function') continue;
      console.log(`\n== ${name}`);
      const t = Date.now();
      const log = (line) => console.log(`  ${line}`);
      try {
        const figures = await mod.run({ quick, log, note: (n) => info.notes.push(`${name}: ${n}`) });
        for (const f of figures) all.push({ module: name, ...f });
        console.log(markdownTable(figures).split('\n').map((l) => `  ${l}`).join('\n'));
      } catch (err) {
        failed++;
        info.notes.push(`${name} failed: ${String(err.message ?? err).split('\n')[0]}`);
        console.error(`  failed: ${err.stack ?? err}`);
      }
      console.log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await cleanupAll();
  }
  info.seconds = (Date.now() - started) / 1000;
  const md = writeResults(all, info);
  console.log(`\n${md}\nwritten to bench/results/latest.json and latest.md`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
