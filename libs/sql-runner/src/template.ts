/** The small Jinja-like template language of the models: ref(), source(), var() and this. */

export type VarValue = string | number | boolean;

export interface TemplateContext {
  ref: (name: string) => string;
  source: (name: string) => string;
  vars: Record<string, VarValue>;
  this?: string;
}

const EXPRESSION = /\{\{\s*(.*?)\s*\}\}/gs;
const CALL = /^(ref|source|var)\s*\(\s*'([^']+)'\s*(?:,\s*(.+?)\s*)?\)$/s;

/** Quoted identifier for a relation name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function parseDefault(raw: string | undefined): VarValue | undefined {
  if (raw === undefined) return undefined;
  const quoted = /^'(.*)'$/s.exec(raw);
  if (quoted) return quoted[1];
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const n = Number(raw);
  if (!Number.isNaN(n)) return n;
  throw new Error(`var default must be a number, boolean or quoted string, got ${raw}`);
}

/** Names passed to ref('...') in a SQL text (in order of appearance, duplicates removed). */
export function findCalls(sql: string, fn: 'ref' | 'source'): string[] {
  const names: string[] = [];
  for (const m of sql.matchAll(EXPRESSION)) {
    const call = CALL.exec(m[1]);
    if (call && call[1] === fn && !names.includes(call[2])) names.push(call[2]);
  }
  return names;
}

/** Replaces every {{ ... }} expression; unknown expressions and missing vars are errors. */
export function renderTemplate(sql: string, ctx: TemplateContext, where: string): string {
  return sql.replace(EXPRESSION, (_all, expr: string) => {
    if (expr === 'this') {
      if (!ctx.this) throw new Error(`${where}: {{ this }} is only available in tests`);
      return ctx.this;
    }
    const call = CALL.exec(expr);
    if (!call) throw new Error(`${where}: unsupported template expression {{ ${expr} }}`);
    const [, fn, name, rawDefault] = call;
    if (fn === 'ref') return ctx.ref(name);
    if (fn === 'source') return ctx.source(name);
    const value = name in ctx.vars ? ctx.vars[name] : parseDefault(rawDefault);
    if (value === undefined) throw new Error(`${where}: var('${name}') has no value and no default`);
    return String(value);
  });
}
