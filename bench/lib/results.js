/**
 * The common result format: every module returns figures {name, value, unit, baseline, baselineValue, ratio}
 * plus goal, met (true, false, or null when the figure has no goal), runs (how many measurements the median
 * is of) and, where useful, the raw samples. run.js writes them to bench/results/latest.json and prints a table.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** q in [0, 1] of sorted-or-not numbers, nearest rank. */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** The largest number (spreading a long array into Math.max overflows the stack). */
const maxOf = (xs) => xs.reduce((m, x) => (x > m ? x : m), -Infinity);

const round = (x, digits = 3) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(digits + 2)) : x);

/**
 * One figure. `ratio` defaults to value / baselineValue; `check(value, ratio)` decides `met` against the goal.
 */
function figure({ name, value, unit, baseline = null, baselineValue = null, ratio, goal = null, check = null, runs = null, samples, baselineSamples, ...extra }) {
  const r = ratio !== undefined ? ratio : baselineValue ? value / baselineValue : null;
  return {
    name, value: round(value), unit, baseline, baselineValue: round(baselineValue), ratio: round(r),
    goal, met: check ? Boolean(check(value, r)) : null, runs,
    ...(samples ? { samples: samples.map((x) => round(x)) } : {}),
    ...(baselineSamples ? { baselineSamples: baselineSamples.map((x) => round(x)) } : {}),
    ...extra,
  };
}

/** The newest file under `dir`: tsc -b rewrites only what changed, so one file's date can be old. */
function builtAt(dir) {
  try {
    const newest = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.js'))
      .reduce((max, f) => Math.max(max, fs.statSync(path.join(dir, String(f))).mtimeMs), 0);
    return newest ? new Date(newest).toISOString() : null;
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
    database: process.env.DATABASE_URL ? 'PostgreSQL server from DATABASE_URL (fresh database per app)' : 'embedded PGlite (DATABASE_URL unset)',
    apiBuiltAt: builtAt(path.join(__dirname, '..', '..', 'apps', 'api', 'dist')),
  };
}

const fmt = (x) => {
  if (x === null || x === undefined) return '';
  if (typeof x !== 'number') return String(x);
  const abs = Math.abs(x);
  return x.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3 });
};

function markdownTable(figures) {
  const rows = [
    '| figure | value | baseline (same run) | baseline value | ratio | goal | met | runs |',
    '| --- | ---: | --- | ---: | ---: | --- | --- | ---: |',
  ];
  for (const f of figures) {
    const met = f.met === null ? '' : f.met ? 'met' : '**not met**';
    rows.push(`| ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.baseline ?? ''} | ${f.baselineValue === null ? '' : `${fmt(f.baselineValue)} ${f.baselineUnit ?? f.unit}`} | ${fmt(f.ratio)} | ${f.goal ?? ''} | ${met} | ${f.runs ?? ''} |`);
  }
  return rows.join('\n');
}

function writeResults(figures, info, dir = path.join(__dirname, '..', 'results')) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(figures, null, 2) + '\n');
  const m = info.machine;
  const md = `# Benchmark results${info.quick ? ' (--quick)' : ''}\n\n${m.date}: ${m.cpus} cpus (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}, ${m.os}; `
    + `load average at start ${m.loadAverageAtStart.join(' / ')}; app database: ${m.database}; API build of ${m.apiBuiltAt}; modules: ${info.modules.join(', ')}; `
    + `${Math.round(info.seconds)} s.\n\n${markdownTable(figures)}\n${info.notes.length ? `\n${info.notes.map((n) => `- ${n}`).join('\n')}\n` : ''}`;
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  fs.writeFileSync(path.join(dir, 'latest-machine.json'), JSON.stringify({ ...m, quick: info.quick, modules: info.modules, seconds: Math.round(info.seconds) }, null, 2) + '\n');
  return md;
}

module.exports = { median, quantile, maxOf, figure, machine, markdownTable, writeResults, round, fmt };
