/** Dependency graph of the models: unknown refs and cycles are errors; the order is topological. */
export interface GraphNode { name: string; file: string; refs: string[] }

function findCycle<T extends GraphNode>(byName: Map<string, T>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of byName.get(name)!.refs) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of [...byName.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

/** Kahn's algorithm with ties broken by name, so the order is deterministic. */
export function orderModels<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    for (const dep of n.refs) {
      if (!byName.has(dep)) throw new Error(`${n.file}: ref('${dep}') refers to an unknown model`);
    }
  }
  const cycle = findCycle(byName);
  if (cycle) throw new Error(`dependency cycle between models: ${cycle.join(' -> ')}`);
  const remaining = new Map(nodes.map((n) => [n.name, new Set(n.refs)]));
  const ordered: T[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([name]) => name).sort();
    for (const name of ready) {
      remaining.delete(name);
      ordered.push(byName.get(name)!);
      for (const deps of remaining.values()) deps.delete(name);
    }
  }
  return ordered;
}

/** The named models plus everything they depend on, in build order. */
export function withUpstream<T extends GraphNode>(ordered: readonly T[], names: readonly string[]): T[] {
  const byName = new Map(ordered.map((n) => [n.name, n]));
  const wanted = new Set<string>();
  const add = (name: string) => {
    const node = byName.get(name);
    if (!node) throw new Error(`unknown model ${name}`);
    if (wanted.has(name)) return;
    wanted.add(name);
    node.refs.forEach(add);
  };
  names.forEach(add);
  return ordered.filter((n) => wanted.has(n.name));
}
