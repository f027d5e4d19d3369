import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN's module rules, checked on the source: capability folders (src/<folder>) import each other
 * only through their index.ts, and the folder graph has no cycles (a cycle means two capabilities
 * cannot be understood, tested or replaced apart).
 */
const SRC = resolve(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The capability folder of a file: src/<folder>/..., or '.' for files directly in src/. */
function capability(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length > 1 ? (rel[0] ?? '.') : '.';
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
    if (m[1]) out.push(resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
  }
  for (const m of text.matchAll(/import\('(\.[^']+)'\)/g)) {
    if (m[1]) out.push(resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
  }
  return out;
}

const files = sourceFiles(SRC);
const edges = files.flatMap((f) => imports(f).map((target) => ({ from: f, to: target })));

describe('architecture', () => {
  it('capability folders import each other only through index.ts', () => {
    const offenders = edges
      .filter((e) => capability(e.from) !== capability(e.to) && capability(e.to) !== '.')
      .filter((e) => relative(join(SRC, capability(e.to)), e.to) !== 'index.ts')
      .map((e) => `${relative(SRC, e.from)} -> ${relative(SRC, e.to)}`);
    expect(offenders).toEqual([]);
  });

  it('the capability folder graph has no cycles', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const a = capability(e.from);
      const b = capability(e.to);
      if (a === b || a === '.' || b === '.') continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)?.add(b);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'visiting');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
