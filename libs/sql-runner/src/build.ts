/** Builds the models in dependency order and reports the time each one took. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileModel, CompileOptions, renderProjectSql, setupSql } from './compile';
import { queryRows, Target, withConnection } from './connection';
import { withUpstream } from './graph';
import type { Materialization, ModelNode, Project } from './project';
import { quoteIdentifier, VarValue } from './template';

export interface ModelTiming { name: string; materialized: Materialization; ms: number; rows: number | null; rounds?: number }

export interface BuildResult { setupMs: number; models: ModelTiming[]; totalMs: number }

export interface BuildOptions extends CompileOptions {
  select?: string[]; // build only these models and what they depend on
  transaction?: boolean; // all or nothing (default true): readers never see a half-built set
  onModel?: (timing: ModelTiming) => void;
  /** Aborting stops the build (its running statement too) and rolls it back with BuildInterrupted. */
  signal?: AbortSignal;
}

/** The build was stopped through its signal and rolled back; nothing changed. */
export class BuildInterrupted extends Error {
  constructor() {
    super('the build was interrupted and rolled back');
    this.name = 'BuildInterrupted';
  }
}

/**
 * Runs one statement of the build so that aborting `signal` interrupts it. DuckDB drops an interrupt that
 * arrives before the statement has started, so it is repeated until the statement ends.
 */
async function interruptible<T>(conn: DuckDBConnection, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  if (!signal) return run();
  if (signal.aborted) throw new BuildInterrupted();
  let repeat: NodeJS.Timeout | undefined;
  const onAbort = () => {
    conn.interrupt();
    repeat = setInterval(() => conn.interrupt(), 20);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await run();
  } catch (err) {
    throw signal.aborted ? new BuildInterrupted() : err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearInterval(repeat);
  }
}

/** An existing relation of the other kind must go first: CREATE OR REPLACE VIEW cannot replace a table. */
async function dropOtherKind(conn: DuckDBConnection, name: string, materialized: Materialization): Promise<void> {
  const escaped = name.replace(/'/g, "''");
  const other = materialized === 'table'
    ? `SELECT 1 FROM duckdb_views() WHERE view_name = '${escaped}' AND schema_name = current_schema() AND NOT internal`
    : `SELECT 1 FROM duckdb_tables() WHERE table_name = '${escaped}' AND schema_name = current_schema()`;
  if ((await queryRows(conn, other)).length) {
    await conn.run(`DROP ${materialized === 'table' ? 'VIEW' : 'TABLE'} ${quoteIdentifier(name)}`);
  }
}

async function countRows(conn: DuckDBConnection, name: string): Promise<number> {
  const [row] = await queryRows(conn, `SELECT count(*)::BIGINT AS n FROM ${quoteIdentifier(name)}`);
  return Number(row.n);
}

/** SETs the settings and returns a function that RESETs them. */
async function applySettings(conn: DuckDBConnection, settings: Record<string, VarValue>, where: string): Promise<() => Promise<void>> {
  const names: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`${where}: invalid setting name ${name}`);
    await conn.run(`SET ${name} = ${typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value)}`);
    names.push(name);
  }
  return async () => { for (const name of names) await conn.run(`RESET ${name}`); };
}

/** Runs the model's iterate statement until it changes nothing; returns the number of rounds that changed rows. */
async function iterateToFixedPoint(conn: DuckDBConnection, project: Project, model: ModelNode, opts: BuildOptions): Promise<number> {
  const spec = model.iterate!;
  const sql = renderProjectSql(project, spec.sql, `${model.file} iterate`, opts, model.name);
  const reset = await applySettings(conn, spec.settings, `model ${model.name} iterate`);
  try {
    for (let round = 0; round < spec.maxRounds; round++) {
      const reader = await interruptible(conn, opts.signal, () => conn.runAndReadAll(sql));
      const changed = Number(reader.getRows()[0]?.[0] ?? 0);
      if (changed === 0) return round;
    }
  } finally {
    await reset();
  }
  throw new Error(`model ${model.name}: iterate still changed rows after ${spec.maxRounds} rounds`);
}

async function buildAll(conn: DuckDBConnection, project: Project, opts: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  await interruptible(conn, opts.signal, () => conn.run(setupSql(project)));
  const setupMs = performance.now() - started;
  const models = opts.select ? withUpstream(project.models, opts.select) : project.models;
  const timings: ModelTiming[] = [];
  const reset = await applySettings(conn, project.settings ?? {}, 'project.yml settings');
  try {
  for (const model of models) {
    const compiled = compileModel(project, model.name, opts);
    const t0 = performance.now();
    let rounds: number | undefined;
    try {
      await dropOtherKind(conn, model.name, model.materialized);
      await interruptible(conn, opts.signal, () => conn.run(compiled.ddl));
      if (model.iterate) rounds = await iterateToFixedPoint(conn, project, model, opts);
    } catch (err) {
      if (err instanceof BuildInterrupted) throw err;
      throw new Error(`model ${model.name} (${model.file}) failed: ${(err as Error).message}`);
    }
    const ms = performance.now() - t0;
    const rows = model.materialized === 'table' ? await countRows(conn, model.name) : null;
    const timing: ModelTiming = { name: model.name, materialized: model.materialized, ms, rows, ...(rounds === undefined ? {} : { rounds }) };
    timings.push(timing);
    opts.onModel?.(timing);
  }
  } finally {
    await reset();
  }
  return { setupMs, models: timings, totalMs: performance.now() - started };
}

export function buildModels(target: Target, project: Project, opts: BuildOptions = {}): Promise<BuildResult> {
  return withConnection(target, async (conn) => {
    if (opts.transaction === false) return buildAll(conn, project, opts);
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await buildAll(conn, project, opts);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK');
      throw err;
    }
  });
}
