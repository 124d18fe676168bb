/**
 * Property-based audit of disclosure control: fast-check generates small regions (municipalities with and
 * without consent, sites serving one or two of them, 12-15 months, two client groups, small counts), the real
 * models run in DuckDB, and an independent auditor writes down every sum the published tables obey
 * (client groups -> 'all', sites and municipalities -> region -> country, months -> quarter -> year, months ->
 * rolling 12 months, site x municipality facts -> site and municipality): no count hidden by primary disclosure
 * control (small count, small denominator, no consent) may be the only unpublished member of a published sum.
 * This is the single-equation guarantee of docs/metrics.md section 6; combining several sums (linked tables)
 * is not audited. The generated stocks need not be consistent with the flows: input the models must survive.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendFacts, factRowsSql, Warehouse } from '@uitkomst/warehouse';
import fc from 'fast-check';
import { buildModels, DEFAULT_PROJECT_DIR, loadProject } from './index';

const project = loadProject(DEFAULT_PROJECT_DIR);
const GROUPS = ['ww', 'jongeren'];

interface Region {
  municipalities: { code: string; consent: boolean }[];
  sites: { code: string; consent: boolean; serves: number[] }[];
  months: number;
  facts: { site: string; muni: string; month: string; group: string; start: number; fresh: number; exits: number }[];
}

const monthLabel = (i: number) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

const regionArb: fc.Arbitrary<Region> = fc.record({
  consents: fc.array(fc.constantFrom(true, true, true, false), { minLength: 2, maxLength: 3 }),
  sites: fc.array(fc.record({ consent: fc.constantFrom(true, true, true, false), first: fc.nat(2), second: fc.option(fc.nat(2), { nil: null }) }), { minLength: 2, maxLength: 3 }),
  months: fc.integer({ min: 12, max: 15 }),
  seedCounts: fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), { minLength: 30, maxLength: 30 }),
}).map(({ consents, sites, months, seedCounts }) => {
  const municipalities = consents.map((consent, i) => ({ code: `GM000${i + 1}`, consent }));
  const siteList = sites.map((s, i) => {
    const serves = [...new Set([s.first, s.second].filter((x): x is number => x !== null).map((x) => x % municipalities.length))];
    return { code: `WP-AM01-0${i + 1}`, consent: s.consent, serves };
  });
  const facts: Region['facts'] = [];
  let k = 0;
  for (const site of siteList) for (const m of site.serves) for (let month = 0; month < months; month++) for (const group of GROUPS) {
    const [start, fresh, exits] = seedCounts[k++ % seedCounts.length];
    facts.push({ site: site.code, muni: municipalities[m].code, month: monthLabel(month), group, start: start + month % 3, fresh, exits: Math.min(exits, start + fresh) });
  }
  return { municipalities, sites: siteList, months, facts };
});

async function load(conn: DuckDBConnection, r: Region) {
  await conn.run(`INSERT INTO ref_regions VALUES ('AM01', 'Regio'); INSERT INTO ref_provinces VALUES ('PV20', 'Groningen');`);
  for (const m of r.municipalities) {
    await conn.run(`INSERT INTO ref_municipalities VALUES ($1, $1, 'AM01', 'PV20', DATE '2010-01-01', NULL, NULL, $1, $2)`, [m.code, m.consent]);
  }
  for (const s of r.sites) {
    await conn.run(`INSERT INTO ref_sites VALUES ($1, $1, 'werkplein', 'AM01', DATE '2015-01-01', NULL, $2)`, [s.code, s.consent]);
    await conn.run(`INSERT INTO ref_site_typology VALUES ($1, DATE '2010-01-01', NULL, 'full', 3, NULL, true, true, 'mature', '{}')`, [s.code]);
    for (const m of s.serves) await conn.run(`INSERT INTO ref_site_municipalities VALUES ($1, $2)`, [s.code, r.municipalities[m].code]);
  }
  const rows = r.facts.flatMap((f) => (['clients_start', 'clients_new', 'exits_to_work'] as const).map((measure) =>
    `('${f.site}', '${f.muni}', DATE '${f.month}-01', '${f.group}', '${measure}', ${measure === 'clients_start' ? f.start : measure === 'clients_new' ? f.fresh : f.exits})`));
  await appendFacts(conn, { submissionId: 't', acceptedAt: new Date(), select: factRowsSql(rows) });
}

const PRIMARY = ['no_consent', 'small_denominator', 'small_count'];

/**
 * sensitive: a count above zero that primary disclosure control hides (zeros are published by design); cells
 * hidden only to protect others may be worked out, as long as what they protect cannot.
 */
interface Cell { key: string; truth: number; published: number | null; sensitive: boolean }

async function auditedLeaks(wh: Warehouse, r: Region): Promise<string[]> {
  const internal = await wh.query<Record<string, any>>(`SELECT level, unit, grain, period, client_group, numerator, suppression_reason FROM mart_metrics WHERE metric = 'outflow_to_work'`);
  const published = await wh.query<Record<string, any>>(`SELECT level, unit, grain, period, client_group, numerator FROM mart_metrics_public WHERE metric = 'outflow_to_work'`);
  const facts = await wh.query<Record<string, any>>(`SELECT site_code, municipality_code, period, client_group, value FROM mart_facts_public WHERE measure = 'exits_to_work'`);
  const cells = new Map<string, Cell>();
  const key = (level: string, unit: string, period: string, group: string) => `${level}|${unit}|${period}|${group}`;
  const publishedValue = new Map(published.map((p) => [key(p.level, p.unit, p.period, p.client_group), p.numerator == null ? null : Number(p.numerator)]));
  for (const c of internal) {
    const k = key(c.level, c.unit, c.period, c.client_group);
    cells.set(k, { key: k, truth: Number(c.numerator), published: publishedValue.get(k) ?? null, sensitive: Number(c.numerator) > 0 && PRIMARY.includes(c.suppression_reason) });
  }
  // site x municipality x quarter facts, from the generated data (not from the models)
  const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5)) - 1) / 3) + 1}`;
  const factPublished = new Map(facts.map((f) => [`fact|${f.site_code}|${f.municipality_code}|${f.period}|${f.client_group}`, f.value == null ? null : Number(f.value)]));
  for (const f of r.facts) {
    const k = `fact|${f.site}|${f.muni}|${quarterOf(f.month)}|${f.group}`;
    const cell = cells.get(k) ?? { key: k, truth: 0, published: factPublished.get(k) ?? null, sensitive: false };
    cell.truth += f.exits;
    // a municipality's figures are its own (published with its consent), even where one site serves it alone
    cell.sensitive = cell.truth >= 1 && cell.truth <= 4;
    cells.set(k, cell);
  }

  const sums: { total: string; parts: string[] }[] = [];
  const periodsOf = (level: string, unit: string, group: string) => [...cells.keys()].filter((k) => k.startsWith(`${level}|${unit}|`) && k.endsWith(`|${group}`)).map((k) => k.split('|')[2]);
  const units = [...new Set(internal.map((c) => `${c.level}|${c.unit}`))].map((u) => u.split('|'));
  const periods = [...new Set(internal.map((c) => c.period as string))];
  for (const [level, unit] of units) {
    for (const p of periods) sums.push({ total: key(level, unit, p, 'all'), parts: GROUPS.map((g) => key(level, unit, p, g)) });
    for (const g of [...GROUPS, 'all']) {
      const own = periodsOf(level, unit, g);
      const months = own.filter((p) => /^\d{4}-\d{2}$/.test(p)).sort();
      for (const q of own.filter((p) => p.includes('-Q'))) sums.push({ total: key(level, unit, q, g), parts: months.filter((m) => quarterOf(m) === q).map((m) => key(level, unit, m, g)) });
      for (const y of own.filter((p) => /^\d{4}$/.test(p))) sums.push({ total: key(level, unit, y, g), parts: months.filter((m) => m.startsWith(y)).map((m) => key(level, unit, m, g)) });
      for (const w of own.filter((p) => p.startsWith('R12-'))) {
        const end = w.slice(4);
        const endIndex = months.indexOf(end);
        sums.push({ total: key(level, unit, w, g), parts: months.slice(endIndex - 11, endIndex + 1).map((m) => key(level, unit, m, g)) });
      }
    }
  }
  for (const p of periods) for (const g of [...GROUPS, 'all']) {
    sums.push({ total: key('region', 'AM01', p, g), parts: r.sites.map((s) => key('site', s.code, p, g)) });
    sums.push({ total: key('region', 'AM01', p, g), parts: r.municipalities.map((m) => key('municipality', m.code, p, g)) });
    sums.push({ total: key('national', 'NL', p, g), parts: [key('region', 'AM01', p, g)] });
  }
  for (const q of periods.filter((p) => p.includes('-Q'))) for (const g of GROUPS) {
    for (const s of r.sites) sums.push({ total: key('site', s.code, q, g), parts: s.serves.map((m) => `fact|${s.code}|${r.municipalities[m].code}|${q}|${g}`) });
    for (const [mi, m] of r.municipalities.entries()) {
      sums.push({ total: key('municipality', m.code, q, g), parts: r.sites.filter((s) => s.serves.includes(mi)).map((s) => `fact|${s.code}|${m.code}|${q}|${g}`) });
    }
  }

  // the auditor's sums must hold on the true values, or it would audit a different table
  for (const s of sums) {
    if (!cells.has(s.total) || s.parts.some((p) => !cells.has(p))) continue;
    expect({ sum: s.total, value: cells.get(s.total)!.truth }).toEqual({ sum: s.total, value: s.parts.reduce((a, p) => a + cells.get(p)!.truth, 0) });
  }
  // a published sum with exactly one unpublished member gives that member away by subtraction
  const leaks = new Set<string>();
  for (const s of sums) {
    const members = [s.total, ...s.parts].filter((k) => cells.has(k));
    if (members.length !== s.parts.length + 1) continue;
    const hidden = members.filter((k) => cells.get(k)!.published === null);
    if (hidden.length === 1 && cells.get(hidden[0])!.sensitive) leaks.add(`${hidden[0]} = ${cells.get(hidden[0])!.truth} (from ${s.total})`);
  }
  return [...leaks];
}

describe('disclosure control, audited on generated regions', () => {
  it('no suppressed count can be recovered from what is published', async () => {
    await fc.assert(fc.asyncProperty(regionArb, async (region) => {
      const wh = await Warehouse.open(':memory:');
      try {
        await wh.write((conn) => load(conn, region));
        await buildModels(wh, project);
        expect(await auditedLeaks(wh, region)).toEqual([]);
      } finally {
        await wh.close();
      }
    }), { numRuns: 30, seed: 20261122 });
  }, 600_000);
});
