/**
 * Loads a dbt-like project: project.yml (vars, sources), macros/*.sql (setup run before the models) and
 * models/<layer>/*.sql with YAML files beside them that declare materialisation, column docs and tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findCalls, VarValue } from './template';
import { orderModels } from './graph';

export type Materialization = 'view' | 'table';

export interface TestSpec {
  kind: string;
  options: Record<string, unknown>;
  column: string | null;
}

export interface ColumnDoc { name: string; description: string }

export interface ModelNode {
  name: string;
  file: string; // relative to the project directory
  layer: string; // staging | intermediate | marts (the folder)
  sql: string; // raw, untemplated
  materialized: Materialization;
  iterate: IterateSpec | null; // repeated on the built table until it changes no rows
  description: string;
  columns: ColumnDoc[];
  tests: TestSpec[];
  refs: string[];
  sources: string[];
}

/**
 * A statement (templated, {{ this }} = the model) re-run after building until it reports 0 changed rows.
 * `settings` are DuckDB settings SET for the rounds only (and RESET afterwards).
 */
export interface IterateSpec { sql: string; maxRounds: number; settings: Record<string, VarValue> }

export interface SetupFile { file: string; sql: string }

export interface Project {
  dir: string;
  name: string;
  vars: Record<string, VarValue>;
  settings: Record<string, VarValue>; // DuckDB settings SET for the duration of a build (project.yml `settings`)
  sources: string[] | null; // null: any source name is accepted
  setup: SetupFile[];
  models: ModelNode[]; // in build order
}

interface YamlModel {
  name: string;
  description?: string;
  config?: { materialized?: string; iterate?: { sql: string; max_rounds?: number; settings?: Record<string, VarValue> } };
  columns?: { name: string; description?: string; tests?: unknown[] }[];
  tests?: unknown[];
}

function listFiles(dir: string, ext: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(full, ext);
    return ext.test(e.name) ? [full] : [];
  }).sort();
}

export function parseTestSpec(entry: unknown, column: string | null, where: string): TestSpec {
  if (typeof entry === 'string') return { kind: entry, options: {}, column };
  if (entry && typeof entry === 'object' && Object.keys(entry).length === 1) {
    const [kind, options] = Object.entries(entry)[0];
    return { kind, options: (options ?? {}) as Record<string, unknown>, column };
  }
  throw new Error(`${where}: a test must be a name or a single-key mapping, got ${JSON.stringify(entry)}`);
}

function readYamlModels(file: string): YamlModel[] {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { models?: YamlModel[] } | null;
  return doc?.models ?? [];
}

function readModels(dir: string): ModelNode[] {
  const modelsDir = path.join(dir, 'models');
  const yamlByName = new Map<string, { spec: YamlModel; file: string }>();
  for (const file of listFiles(modelsDir, /\.ya?ml$/)) {
    for (const spec of readYamlModels(file)) {
      if (yamlByName.has(spec.name)) throw new Error(`model ${spec.name} is described twice (${file})`);
      yamlByName.set(spec.name, { spec, file });
    }
  }
  const seen = new Set<string>();
  const models = listFiles(modelsDir, /\.sql$/).map((full): ModelNode => {
    const name = path.basename(full, '.sql');
    const file = path.relative(dir, full);
    if (seen.has(name)) throw new Error(`two models are named ${name} (${file})`);
    seen.add(name);
    const sql = fs.readFileSync(full, 'utf8');
    const spec = yamlByName.get(name)?.spec ?? { name };
    const materialized = spec.config?.materialized ?? 'view';
    if (materialized !== 'view' && materialized !== 'table') throw new Error(`${file}: materialized must be view or table, got ${materialized}`);
    const columns = spec.columns ?? [];
    const iterate = spec.config?.iterate;
    if (iterate && materialized !== 'table') throw new Error(`${file}: iterate needs materialized: table`);
    return {
      name, file, sql, materialized,
      iterate: iterate ? { sql: iterate.sql, maxRounds: iterate.max_rounds ?? 20, settings: iterate.settings ?? {} } : null,
      layer: path.relative(modelsDir, path.dirname(full)).split(path.sep)[0] || '',
      description: spec.description ?? '',
      columns: columns.map((c) => ({ name: c.name, description: c.description ?? '' })),
      tests: [
        ...columns.flatMap((c) => (c.tests ?? []).map((t) => parseTestSpec(t, c.name, `${name}.${c.name}`))),
        ...(spec.tests ?? []).map((t) => parseTestSpec(t, null, name)),
      ],
      refs: findCalls(sql, 'ref'),
      sources: findCalls(sql, 'source'),
    };
  });
  for (const [name, { file }] of yamlByName) {
    if (!seen.has(name)) throw new Error(`${path.relative(dir, file)} describes model ${name}, which has no SQL file`);
  }
  return models;
}

/** Reads and validates a project; throws on unknown refs, unknown sources and cycles. */
export function loadProject(dir: string): Project {
  const configFile = ['project.yml', 'dbt_project.yml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const config = (configFile ? parseYaml(fs.readFileSync(configFile, 'utf8')) : {}) as {
    name?: string; vars?: Record<string, VarValue>; sources?: string[]; settings?: Record<string, VarValue>;
  };
  const models = readModels(dir);
  const sources = config.sources ?? null;
  if (sources) {
    for (const m of models) {
      const unknown = m.sources.filter((s) => !sources.includes(s));
      if (unknown.length) throw new Error(`${m.file}: unknown source '${unknown[0]}' (declared sources: ${sources.join(', ')})`);
    }
  }
  return {
    dir,
    name: config.name ?? path.basename(dir),
    vars: config.vars ?? {},
    settings: config.settings ?? {},
    sources,
    setup: listFiles(path.join(dir, 'macros'), /\.sql$/).map((f) => ({ file: path.relative(dir, f), sql: fs.readFileSync(f, 'utf8') })),
    models: orderModels(models),
  };
}
