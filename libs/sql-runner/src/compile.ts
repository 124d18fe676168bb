/** Turns a model's template into plain DuckDB SQL. */
import type { ModelNode, Project } from './project';
import { quoteIdentifier, renderTemplate, VarValue } from './template';

export interface CompileOptions { vars?: Record<string, VarValue> }

export interface CompiledModel {
  name: string;
  materialized: ModelNode['materialized'];
  sql: string; // the SELECT
  ddl: string; // CREATE OR REPLACE VIEW|TABLE ... AS <sql>
  setupSql: string; // macros to run once before any model SQL
}

export function projectVars(project: Project, opts: CompileOptions = {}): Record<string, VarValue> {
  return { ...project.vars, ...(opts.vars ?? {}) };
}

/** Renders SQL belonging to the project (a model, a test) with refs, sources and vars resolved. */
export function renderProjectSql(project: Project, sql: string, where: string, opts: CompileOptions = {}, self?: string): string {
  const known = new Set(project.models.map((m) => m.name));
  return renderTemplate(sql, {
    ref: (name) => {
      if (!known.has(name)) throw new Error(`${where}: ref('${name}') refers to an unknown model`);
      return quoteIdentifier(name);
    },
    source: (name) => {
      if (project.sources && !project.sources.includes(name)) throw new Error(`${where}: unknown source '${name}'`);
      return quoteIdentifier(name);
    },
    vars: projectVars(project, opts),
    this: self ? quoteIdentifier(self) : undefined,
  }, where);
}

export function setupSql(project: Project): string {
  return project.setup.map((s) => `-- ${s.file}\n${s.sql}`).join('\n');
}

function stripTrailingSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

export function compileModel(project: Project, name: string, opts: CompileOptions = {}): CompiledModel {
  const model = project.models.find((m) => m.name === name);
  if (!model) throw new Error(`unknown model ${name}`);
  const sql = stripTrailingSemicolon(renderProjectSql(project, model.sql, model.file, opts));
  const kind = model.materialized === 'table' ? 'TABLE' : 'VIEW';
  return { name, materialized: model.materialized, sql, ddl: `CREATE OR REPLACE ${kind} ${quoteIdentifier(name)} AS\n${sql}`, setupSql: setupSql(project) };
}
