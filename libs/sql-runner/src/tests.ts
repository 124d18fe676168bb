/**
 * Schema tests declared in the YAML beside the models. Every test compiles to a query that returns the
 * failing rows; a test passes when that query returns none.
 */
import { CompileOptions, renderProjectSql } from './compile';
import { queryRows, Target, withConnection } from './connection';
import type { ModelNode, Project, TestSpec } from './project';
import { quoteIdentifier } from './template';

export interface CompiledTest { name: string; model: string; column: string | null; kind: string; sql: string }

export interface TestResult extends CompiledTest { passed: boolean; failures: number; sample: Record<string, unknown>[]; ms: number; error?: string }

export interface TestRun { passed: boolean; results: TestResult[] }

export interface TestOptions extends CompileOptions { select?: string[]; sampleSize?: number }

const sqlString = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

function whereClause(options: Record<string, unknown>, extra: string): string {
  const conditions = [extra, options.where ? `(${String(options.where)})` : ''].filter(Boolean);
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

function requireColumn(test: TestSpec, model: string): string {
  if (!test.column) throw new Error(`${model}: test ${test.kind} needs a column`);
  return quoteIdentifier(test.column);
}

function relationOf(target: string): string {
  const call = /^(ref|source)\(\s*'([^']+)'\s*\)$/.exec(target.trim());
  return call ? `{{ ${target.trim()} }}` : quoteIdentifier(target);
}

/** The failing-rows query, still templated ({{ this }}, ref, source, var). */
function failingRowsSql(test: TestSpec, model: ModelNode): string {
  const o = test.options;
  switch (test.kind) {
    case 'not_null':
      return `SELECT * FROM {{ this }} ${whereClause(o, `${requireColumn(test, model.name)} IS NULL`)}`;
    case 'unique': {
      const cols = ((o.columns as string[] | undefined) ?? [test.column ?? '']).map(quoteIdentifier);
      if (!cols[0] || cols[0] === '""') throw new Error(`${model.name}: unique needs a column or columns`);
      return `SELECT ${cols.join(', ')}, count(*) AS n FROM {{ this }} ${whereClause(o, '')} GROUP BY ALL HAVING count(*) > 1`;
    }
    case 'accepted_values': {
      const values = o.values as unknown[];
      if (!Array.isArray(values)) throw new Error(`${model.name}: accepted_values needs values`);
      const col = requireColumn(test, model.name);
      return `SELECT ${col}, count(*) AS n FROM {{ this }} ${whereClause(o, `${col} IS NOT NULL AND ${col} NOT IN (${values.map(sqlString).join(', ')})`)} GROUP BY ALL`;
    }
    case 'relationships': {
      const col = requireColumn(test, model.name);
      const field = quoteIdentifier(String(o.field));
      return `SELECT child.${col} FROM {{ this }} AS child ${whereClause(o, `child.${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${relationOf(String(o.to))} AS parent WHERE parent.${field} = child.${col})`)}`;
    }
    case 'expression_is_true':
      return `SELECT * FROM {{ this }} ${whereClause(o, `NOT coalesce((${String(o.expression)}), false)`)}`;
    case 'expect_no_rows':
      if (!o.sql) throw new Error(`${model.name}: expect_no_rows needs sql`);
      return String(o.sql);
    default:
      throw new Error(`${model.name}: unknown test kind ${test.kind}`);
  }
}

function testName(test: TestSpec, model: string): string {
  if (test.options.name) return String(test.options.name);
  return [test.kind, model, test.column].filter(Boolean).join('__');
}

export function compileTests(project: Project, opts: TestOptions = {}): CompiledTest[] {
  const models = opts.select ? project.models.filter((m) => opts.select!.includes(m.name)) : project.models;
  return models.flatMap((model) => model.tests.map((test) => {
    const name = testName(test, model.name);
    return { name, model: model.name, column: test.column, kind: test.kind, sql: renderProjectSql(project, failingRowsSql(test, model), `${model.file} test ${name}`, opts, model.name) };
  }));
}

export function runTests(target: Target, project: Project, opts: TestOptions = {}): Promise<TestRun> {
  const sampleSize = opts.sampleSize ?? 5;
  const tests = compileTests(project, opts);
  return withConnection(target, async (conn) => {
    const results: TestResult[] = [];
    for (const test of tests) {
      const t0 = performance.now();
      try {
        const [{ n }] = await queryRows(conn, `SELECT count(*)::BIGINT AS n FROM (${test.sql}) AS failing`);
        const failures = Number(n);
        const sample = failures ? await queryRows(conn, `SELECT * FROM (${test.sql}) AS failing LIMIT ${sampleSize}`) : [];
        results.push({ ...test, passed: failures === 0, failures, sample, ms: performance.now() - t0 });
      } catch (err) {
        results.push({ ...test, passed: false, failures: -1, sample: [], ms: performance.now() - t0, error: (err as Error).message });
      }
    }
    return { passed: results.every((r) => r.passed), results };
  });
}
