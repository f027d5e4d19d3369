import type { Dag } from './dag.js';

/** `slipway dag` output: an indented text tree, Mermaid (renders on GitHub) or Graphviz dot. */
export type DagFormat = 'text' | 'mermaid' | 'dot';

export function renderDag(dag: Dag, format: DagFormat): string {
  const edges = dag.order.flatMap((n) => [...(dag.upstream.get(n) ?? [])].sort().map((u) => [u, n] as const));
  switch (format) {
    case 'mermaid': {
      const ids = new Map(dag.order.map((n, i) => [n, `s${i}`]));
      const lines = ['flowchart TD'];
      for (const n of dag.order) lines.push(`  ${ids.get(n)}["${n.replace(/"/g, '#quot;')}"]`);
      for (const [a, b] of edges) lines.push(`  ${ids.get(a)} --> ${ids.get(b)}`);
      return `${lines.join('\n')}\n`;
    }
    case 'dot': {
      const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      const lines = ['digraph pipeline {', '  rankdir=TB;', '  node [shape=box];'];
      for (const n of dag.order) lines.push(`  ${q(n)};`);
      for (const [a, b] of edges) lines.push(`  ${q(a)} -> ${q(b)};`);
      lines.push('}');
      return `${lines.join('\n')}\n`;
    }
    case 'text': {
      const lines: string[] = [];
      for (const n of dag.order) {
        const ups = [...(dag.upstream.get(n) ?? [])].sort();
        lines.push(ups.length ? `${n}  <- ${ups.join(', ')}` : n);
      }
      return `${lines.join('\n')}\n`;
    }
  }
}
