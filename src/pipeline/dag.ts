import { invalid } from '../errors.js';
import type { PipelineSpec, StageSpec } from '../config/index.js';

/**
 * The pipeline as a graph: a stage depends on another when one of its deps is (inside) the other's
 * out, metric or plot, or when it `needs` it. Built once per command; immutable.
 */
export interface Dag {
  readonly stages: ReadonlyMap<string, StageSpec>;
  /** stage → the stages it depends on (upstream). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** stage → the stages that depend on it (downstream). */
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every stage, each after all its upstream stages; ties in file order. */
  readonly order: readonly string[];
  /** Which stage writes an output path (outs, metrics and plots). */
  readonly producers: ReadonlyMap<string, string>;
}

export function buildDag(spec: PipelineSpec): Dag {
  const stages = new Map(spec.stages.map((s) => [s.name, s]));
  const producers = new Map<string, string>();
  for (const s of spec.stages) {
    for (const out of [...s.outs, ...s.metrics, ...s.plots]) {
      for (const [path, owner] of producers) {
        if (owner === s.name) continue; // a stage may nest its own outs (a metrics file inside its model folder)
        if (overlaps(path, out.path)) {
          throw invalid(
            `${spec.file}: stages '${owner}' and '${s.name}' both write '${shorter(path, out.path)}'` +
              (path === out.path ? '' : ` ('${path}' and '${out.path}' overlap)`) + '; an output must have one producer.',
          );
        }
      }
      producers.set(out.path, s.name);
    }
  }

  const upstream = new Map<string, Set<string>>(spec.stages.map((s) => [s.name, new Set<string>()]));
  const groupMembers = (name: string) => spec.stages.filter((s) => s.name === name || s.name.startsWith(`${name}@`)).map((s) => s.name);
  for (const s of spec.stages) {
    const ups = upstream.get(s.name) ?? new Set<string>();
    for (const dep of s.deps) {
      for (const [path, owner] of producers) if (owner !== s.name && overlaps(path, dep)) ups.add(owner);
    }
    for (const need of s.needs) for (const m of groupMembers(need)) if (m !== s.name) ups.add(m);
  }

  const downstream = new Map<string, Set<string>>(spec.stages.map((s) => [s.name, new Set<string>()]));
  for (const [name, ups] of upstream) for (const u of ups) downstream.get(u)?.add(name);

  const order = topologicalOrder(spec, upstream);
  return { stages, upstream, downstream, order, producers };
}

/** Kahn's algorithm in file order; leftover stages form at least one cycle, which is named. */
function topologicalOrder(spec: PipelineSpec, upstream: Map<string, Set<string>>): string[] {
  const remaining = new Map([...upstream].map(([k, v]) => [k, new Set(v)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = spec.stages.map((s) => s.name).filter((n) => remaining.has(n) && remaining.get(n)?.size === 0);
    if (ready.length === 0) throw invalid(`${spec.file}: the pipeline has a cycle: ${findCycle(remaining).join(' -> ')}.`);
    for (const n of ready) {
      order.push(n);
      remaining.delete(n);
      for (const deps of remaining.values()) deps.delete(n);
    }
  }
  return order;
}

function findCycle(graph: Map<string, Set<string>>): string[] {
  const start = graph.keys().next().value as string;
  const path: string[] = [];
  const seen = new Map<string, number>();
  let node: string | undefined = start;
  while (node !== undefined && !seen.has(node)) {
    seen.set(node, path.length);
    path.push(node);
    node = [...(graph.get(node) ?? [])].find((n) => graph.has(n));
  }
  if (node === undefined) return path;
  return [...path.slice(seen.get(node)), node];
}

/** True when two project paths are the same or one lies inside the other. */
export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`) || a === '.' || b === '.';
}

function shorter(a: string, b: string): string {
  return a.length <= b.length ? a : b;
}

/**
 * The stages a command acts on: the named targets (a foreach/matrix group name selects its members)
 * and, with `downstream`, everything after them; with no targets, all. Returned in DAG order.
 * Without `downstream`, the targets' upstream stages are included too (they must be current first).
 */
export function selectStages(dag: Dag, targets: readonly string[], options: { downstream?: boolean; single?: boolean } = {}): string[] {
  if (targets.length === 0) return [...dag.order];
  const chosen = new Set<string>();
  for (const t of targets) {
    const members = [...dag.stages.keys()].filter((n) => n === t || n.startsWith(`${t}@`));
    if (members.length === 0) throw invalid(`Unknown stage '${t}'. Stages: ${[...dag.stages.keys()].join(', ')}.`);
    for (const m of members) chosen.add(m);
  }
  const walk = (from: Iterable<string>, edges: ReadonlyMap<string, ReadonlySet<string>>) => {
    const stack = [...from];
    while (stack.length) {
      const n = stack.pop() as string;
      for (const next of edges.get(n) ?? []) if (!chosen.has(next)) { chosen.add(next); stack.push(next); }
    }
  };
  if (options.downstream) walk([...chosen], dag.downstream);
  else if (!options.single) walk([...chosen], dag.upstream);
  return dag.order.filter((n) => chosen.has(n));
}
