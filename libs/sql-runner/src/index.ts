export { loadProject } from './project';
export type { Project, ModelNode, TestSpec, Materialization, SetupFile } from './project';
export { compileModel, setupSql } from './compile';
export type { CompiledModel, CompileOptions } from './compile';
export { buildModels, BuildInterrupted } from './build';
export type { BuildOptions, BuildResult, ModelTiming } from './build';
export { runTests, compileTests } from './tests';
export type { TestRun, TestResult, CompiledTest, TestOptions } from './tests';
export { orderModels } from './graph';
export type { Target } from './connection';
export type { VarValue } from './template';
import * as path from 'node:path';
/** The project's own models, dbt-like-sql/ at the repository root. */
export const DEFAULT_PROJECT_DIR = path.resolve(__dirname, '..', '..', '..', 'dbt-like-sql');
