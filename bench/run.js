/**
 * `npm run bench`: runs the exported `run()` of every bench/*.js module (or only those named on the
 * command line, e.g. `node bench/run.js ingestion`) and prints the figures each returns.
 */
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const only = process.argv.slice(2);
  const modules = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .filter((f) => only.length === 0 || only.includes(path.basename(f, '.js')))
    .sort();
  let failed = 0;
  for (const file of modules) {
    const name = path.basename(file, '.js');
    const mod = require(path.join(__dirname, file));
    if (typeof mod.run !== 'function') continue;
    console.log(`\n== ${name}`);
    const started = Date.now();
    try {
      const figures = await mod.run();
      for (const [k, v] of Object.entries(figures ?? {})) console.log(`  ${k.padEnd(40)} ${typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v}`);
      console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed++;
      console.error(`  failed: ${err.stack ?? err}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main();
