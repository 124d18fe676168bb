/**
 * Property-based tests of the upload validator through the real upload path (POST ?wait=60): any valid
 * long-format table, in any of the accepted spellings, is accepted and its values come back exactly; any
 * single mutation of a valid table is rejected with the row and column of the mutation named, and stores
 * nothing. One backend (the validator runs in DuckDB; PostgreSQL only supplies the registry snapshot).
 */
import fc from 'fast-check';
import { countFacts, IngestionContext, startIngestionApp } from './ingestion-setup';
import { backends } from './test-app';

const COLUMNS = ['site_code', 'municipality_code', 'period', 'client_group', 'measure', 'value'] as const;
type Row = Record<(typeof COLUMNS)[number], string>;
interface Table { columns: string[]; rows: Row[]; extra?: { name: string; values: string[] } }

const GROUPS = ['jongeren', 'ww', 'bijstand_kort', 'bijstand_lang', 'arbeidsbeperking', 'overig'];
/**
 * Measures no consistency rule relates when they appear without their partners, by the kind of value they take.
 * (survey_respondents, cost_overhead_eur, exits_* are left for the mutations, so a mutated row repeats no key.)
 */
const MEASURES: Record<string, 'count' | 'amount' | 'sum'> = {
  clients_start: 'count', clients_new: 'count', joint_plans: 'count',
  cost_personnel_eur: 'amount', cost_instruments_eur: 'amount', days_to_first_offer_sum: 'sum',
};
const MEASURE_CODES = Object.keys(MEASURES);
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 20);

const period = fc.record({ y: fc.integer({ min: 2010, max: 2025 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ y, m }) => `${y}-${String(m).padStart(2, '0')}`);
const key = fc.record({ period, group: fc.constantFrom(...GROUPS), measure: fc.constantFrom(...MEASURE_CODES) });

/** The 11-test of a citizen service number, written out here apart from the code under test. */
const elevenProof = (d: string) => d !== '000000000' && [...d].reduce((acc, c, i) => acc + (i < 8 ? 9 - i : -1) * Number(c), 0) % 11 === 0;
/** Any run of 9 digits passing the 11-test is refused in every cell, numbers included (see docs/ingestion.md). */
const looksLikeBsn = (s: string) => (s.match(/\d+/g) ?? []).some((run) => run.length === 9 && elevenProof(run));

/** A value of the measure's kind, as text: whole counts, euros with at most 2 decimals, any non-negative double. */
function valueOf(kind: 'count' | 'amount' | 'sum'): fc.Arbitrary<string> {
  const text = kind === 'count' ? fc.integer({ min: 0, max: 50_000_000 }).map(String)
    : kind === 'amount' ? fc.integer({ min: 0, max: 10_000_000_000 }).map((cents) => String(cents / 100))
      : fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map((x) => String(Object.is(x, -0) ? 0 : x));
  return text.filter((v) => !looksLikeBsn(v));
}

/** 1 to 40 rows of WP-AM18-01 / GM0363, each with its own key. */
const validTable: fc.Arbitrary<Table> = fc.uniqueArray(key, { minLength: 1, maxLength: 40, selector: (k) => `${k.period}|${k.group}|${k.measure}` })
  .chain((keys) => fc.tuple(...keys.map((k) => valueOf(MEASURES[k.measure]).map((value): Row => ({
    site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: k.period, client_group: k.group, measure: k.measure, value,
  })))))
  .map((rows) => ({ columns: [...COLUMNS], rows }));

interface Spelling { format: 'csv' | 'json' | 'ndjson'; delimiter: ',' | ';'; crlf: boolean; bom: boolean; pad: boolean; numbers: boolean }
const spelling: fc.Arbitrary<Spelling> = fc.record({
  format: fc.constantFrom('csv', 'csv', 'json', 'ndjson'), delimiter: fc.constantFrom(',', ';'), crlf: fc.boolean(), bom: fc.boolean(), pad: fc.boolean(), numbers: fc.boolean(),
});

const quoteCsv = (s: string, d: string) => (/["\r\n]/.test(s) || s.includes(d) ? `"${s.replace(/"/g, '""')}"` : s);

/** The table as the bytes of an upload; row i of the table is CSV line i + 2, JSON record i + 1. */
function encode(t: Table, s: Spelling): { body: string; type: string } {
  const cells = (r: Row, i: number) => [...COLUMNS.map((c) => (s.pad && c !== 'value' ? ` ${r[c]} ` : r[c])), ...(t.extra ? [t.extra.values[i]] : [])];
  const names = [...t.columns];
  if (s.format === 'csv') {
    const nl = s.crlf ? '\r\n' : '\n';
    const lines = [names, ...t.rows.map(cells)].map((l) => l.map((c) => quoteCsv(c, s.delimiter)).join(s.delimiter));
    return { body: `${s.bom ? '\ufeff' : ''}${lines.join(nl)}${nl}`, type: 'text/csv' };
  }
  const records = t.rows.map((r, i) => Object.fromEntries(names.map((n, j) => {
    const v = cells(r, i)[j];
    return [n, n === 'value' && s.numbers && v.trim() !== '' && Number.isFinite(Number(v)) && String(Number(v)) === v.trim() ? Number(v) : v];
  })));
  if (s.format === 'json') return { body: JSON.stringify(records), type: 'application/json' };
  return { body: records.map((r) => JSON.stringify(r)).join('\n') + '\n', type: 'application/x-ndjson' };
}

const rowNumber = (s: Spelling, i: number) => (s.format === 'csv' ? i + 2 : i + 1);
const headerRow = (s: Spelling) => (s.format === 'csv' ? 1 : null);

/** Nine digits passing the 11-test of a citizen service number. */
const bsn = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((d) => [...d, d.reduce((acc, x, i) => acc + (9 - i) * x, 0) % 11].join(''))
  .filter((d) => d.length === 9 && elevenProof(d));

interface Expected { row: 'mutated' | 'header' | 'last'; column: string | null; code: string }
interface Mutation { name: string; apply: (t: Table, i: number) => Table; expect: Expected[] }

const withRow = (t: Table, i: number, patch: Partial<Row>): Table => ({ ...t, rows: t.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
const lower = fc.stringMatching(/^[a-z_]{3,12}$/);

function mutations(): fc.Arbitrary<Mutation>[] {
  const cell = (name: string, column: (typeof COLUMNS)[number], code: string, value: fc.Arbitrary<string>) =>
    value.map((v): Mutation => ({ name: `${name} ${JSON.stringify(v)}`, apply: (t, i) => withRow(t, i, { [column]: v }), expect: [{ row: 'mutated', column, code }] }));
  return [
    cell('unknown site', 'site_code', 'UNKNOWN_SITE', fc.stringMatching(/^[A-Z]{2}-[A-Z]{2}[0-9]{2}-[0-9]{2,3}$/).filter((c) => c !== 'WP-AM18-01' && c !== 'WT-GM1979-01')),
    cell('unknown municipality', 'municipality_code', 'UNKNOWN_MUNICIPALITY', fc.integer({ min: 9000, max: 9999 }).map((n) => `GM${n}`)),
    cell('municipality not served', 'municipality_code', 'MUNICIPALITY_NOT_SERVED', fc.constantFrom('GM0362', 'GM0384', 'GM0599')),
    cell('malformed period', 'period', 'INVALID_PERIOD', fc.oneof(
      fc.record({ y: fc.integer({ min: 2010, max: 2025 }), m: fc.integer({ min: 13, max: 99 }) }).map(({ y, m }) => `${y}-${m}`),
      fc.record({ y: fc.integer({ min: 2010, max: 2025 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ y, m }) => `${y}/${String(m).padStart(2, '0')}`),
      fc.record({ y: fc.integer({ min: 2010, max: 2025 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ y, m }) => `${String(m).padStart(2, '0')}-${y}`),
      fc.constantFrom('2024-1', '2024-00', '24-01', 'januari 2024', '2024-01-01', '2024-Q1'),
    )),
    cell('period in the future', 'period', 'PERIOD_IN_FUTURE', fc.integer({ min: 2030, max: 2099 }).map((y) => `${y}-01`)),
    cell('period before 2010', 'period', 'PERIOD_TOO_EARLY', fc.integer({ min: 1990, max: 2009 }).map((y) => `${y}-12`)),
    cell('unknown client group', 'client_group', 'UNKNOWN_CLIENT_GROUP', lower.filter((g) => !GROUPS.includes(g))),
    cell('unknown measure', 'measure', 'UNKNOWN_MEASURE', lower.filter((m) => !m.includes('clients') && !m.startsWith('cost') && !m.includes('exit') && !m.includes('survey') && !m.includes('offer') && !m.includes('plans'))),
    cell('negative value', 'value', 'NEGATIVE_VALUE', fc.integer({ min: 1, max: 1_000_000 }).map((n) => `-${n}`)),
    cell('not a number', 'value', 'NOT_A_NUMBER', fc.oneof(
      fc.constantFrom('1,5', '12 000', '1_000', '0x10', '--1', '1.2.3', 'twelve', '½', '1e', 'e5', '.', 'NaN', 'nan', 'inf', '-Infinity', '1e309', '１２', '٣'),
      fc.stringMatching(/^[a-df-hj-mo-z]{1,8}$/),
    )),
    cell('empty value', 'value', 'MISSING_VALUE', fc.constant('')),
    fc.integer({ min: 0, max: 1_000_000 }).map((n): Mutation => ({
      name: `count with decimals ${n}.5`,
      // A count measure no valid table uses, so the changed row repeats no key.
      apply: (t, i) => withRow(t, i, { measure: 'survey_respondents', value: `${n}.5` }), expect: [{ row: 'mutated', column: 'value', code: 'NOT_AN_INTEGER' }],
    })),
    fc.record({ cents: fc.integer({ min: 0, max: 1_000_000 }), d: fc.integer({ min: 1, max: 9 }) }).map(({ cents, d }): Mutation => ({
      name: `amount with 3 decimals ${(cents * 10 + d) / 1000}`,
      apply: (t, i) => withRow(t, i, { measure: 'cost_overhead_eur', value: ((cents * 10 + d) / 1000).toFixed(3) }), expect: [{ row: 'mutated', column: 'value', code: 'TOO_MANY_DECIMALS' }],
    })),
    fc.integer({ min: 1, max: 100_000 }).map((n): Mutation => ({
      name: `numerator ${n} above its denominator 0 (exits_to_work > exits_total)`,
      apply: (t, i) => ({ ...t, rows: [...withRow(t, i, { measure: 'exits_to_work', value: String(n) }).rows, { ...t.rows[i], measure: 'exits_total', value: '0' }] }),
      expect: [{ row: 'mutated', column: 'value', code: 'INCONSISTENT_EXITS' }],
    })),
    fc.record({ number: bsn, column: fc.constantFrom<(typeof COLUMNS)[number]>(...COLUMNS), around: fc.constantFrom('', 'bsn ', 'client-') }).map(({ number, column, around }): Mutation => ({
      name: `citizen service number in ${column}`, apply: (t, i) => withRow(t, i, { [column]: `${around}${number}` }),
      expect: [{ row: 'mutated', column, code: 'POSSIBLE_BSN' }],
    })),
    bsn.map((number): Mutation => ({
      name: 'a column named after a citizen service number',
      apply: (t) => ({ ...t, columns: [...t.columns, `bsn_${number}`], extra: { name: `bsn_${number}`, values: t.rows.map(() => '') } }),
      expect: [{ row: 'header', column: null, code: 'POSSIBLE_BSN' }, { row: 'header', column: 'bsn_(withheld)', code: 'UNKNOWN_COLUMN' }],
    })),
    fc.record({ name: fc.constantFrom('naam', 'voornaam', 'geboortedatum', 'adres', 'postcode', 'burgerservicenummer', 'email', 'telefoon'), value: fc.constantFrom('Jan', '1970-01-01', '1234 AB', 'x@example.nl') })
      .map(({ name, value }): Mutation => ({
        name: `person-level column ${name}`,
        apply: (t) => ({ ...t, columns: [...t.columns, name], extra: { name, values: t.rows.map(() => value) } }),
        expect: [{ row: 'header', column: name, code: 'UNKNOWN_COLUMN' }],
      })),
    fc.constant<Mutation>({
      name: 'a repeated row', apply: (t, i) => ({ ...t, rows: [...t.rows, t.rows[i]] }), expect: [{ row: 'last', column: null, code: 'DUPLICATE_KEY' }],
    }),
  ];
}

describe('upload validator properties', () => {
  const backend = backends()[0];
  let ctx: IngestionContext;
  beforeAll(async () => { ctx = await startIngestionApp(backend, { rateLimitUploadsPerMinute: 0 }); });
  afterAll(async () => ctx?.t.close());

  async function post(body: string, type: string) {
    const res = await fetch(`${ctx.t.url}/api/v1/submissions?wait=60`, { method: 'POST', headers: { authorization: `Bearer ${ctx.amsterdam}`, 'content-type': type }, body });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('accepts every valid table, in every accepted spelling, and returns its values exactly', async () => {
    await fc.assert(fc.asyncProperty(validTable, spelling, async (table, s) => {
      const { body, type } = encode(table, s);
      const posted = await post(body, type);
      expect({ status: posted.status, errors: posted.body.errors }).toEqual({ status: posted.body.existing ? 200 : 201, errors: [] });
      expect(posted.body).toMatchObject({ status: expect.stringMatching(/^(accepted|superseded)$/), valueCount: table.rows.length });
      const facts = (await (await fetch(`${ctx.t.url}/api/v1/submissions/${posted.body.id}/facts?limit=10000`, { headers: { authorization: `Bearer ${ctx.amsterdam}` } })).json()) as any;
      const stored = facts.facts.map((f: any) => `${f.site_code}|${f.municipality_code}|${f.period}|${f.client_group}|${f.measure}|${f.value}`).sort();
      const sent = table.rows.map((r) => `${r.site_code}|${r.municipality_code}|${r.period}|${r.client_group}|${r.measure}|${Number(r.value)}`).sort();
      expect(stored).toEqual(sent);
    }), { numRuns: NUM_RUNS });
  });

  it('rejects every single mutation of a valid table, naming its row and column, and stores nothing', async () => {
    const mutated = validTable.chain((table) => fc.record({
      table: fc.constant(table), index: fc.nat({ max: table.rows.length - 1 }), mutation: fc.oneof(...mutations()), spelling,
    }));
    await fc.assert(fc.asyncProperty(mutated, async ({ table, index, mutation, spelling: s }) => {
      const bad = mutation.apply(table, index);
      const { body, type } = encode(bad, s);
      const before = await countFacts(ctx);
      const posted = await post(body, type);
      expect(posted.status).toBe(422);
      expect(posted.body.message).toMatch(/^The file was rejected with \d+ errors?; nothing was stored\./);
      const rowOf = (e: Expected) => (e.row === 'header' ? headerRow(s) : rowNumber(s, e.row === 'last' ? bad.rows.length - 1 : index));
      for (const e of mutation.expect) {
        expect(posted.body.errors).toContainEqual(expect.objectContaining({ row: rowOf(e), column: e.column, code: e.code }));
      }
      // Nothing else is wrong with the file, so every error is on the mutated row (or the header).
      const rows = new Set(mutation.expect.map(rowOf));
      for (const e of posted.body.errors) expect(rows).toContain(e.row);
      expect(await countFacts(ctx)).toBe(before);
    }), { numRuns: 2 * NUM_RUNS });
  });
});
