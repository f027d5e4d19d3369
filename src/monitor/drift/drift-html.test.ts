import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../data/index.js';
import { computeDrift } from './compute-drift.js';
import { renderDriftHtml } from './drift-html.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('renderDriftHtml', () => {
  const r = lcg(11);
  const rows = 2000;
  const make = (shift: number) => {
    const cols: Record<string, unknown[]> = {};
    for (let c = 0; c < 50; c++) cols[`num_${c}`] = Array.from({ length: rows }, () => 1000 + shift * (c % 3) + r() * 10 + r() * 1e-9);
    for (let c = 0; c < 50; c++) cols[`cat_${c}`] = Array.from({ length: rows }, () => `category-${Math.floor(r() ** (1 + shift) * 80)}`);
    return tableFromColumns(cols);
  };
  const reference = make(0);
  const current = make(0.5);
  const report = computeDrift(reference, current);
  const html = renderDriftHtml(report, { reference: 'ref.csv', current: 'cur.csv', generatedAt: new Date(0) });

  it('keeps a 100-column report under 2 MB, self-contained', () => {
    expect(report.columns).toHaveLength(100);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(html).not.toMatch(/<script|<link|https?:\/\/|src=/i);
    expect(html.match(/<svg /g)?.length).toBe(100);
  });

  it('embeds no data row: numbers appear only as rounded bin edges, rare categories only inside "other"', () => {
    const numeric = reference.columns.filter((c) => c.kind === 'number').slice(0, 5);
    for (const c of numeric) {
      if (c.kind !== 'number') continue;
      for (const v of c.values.slice(0, 200)) expect(html).not.toContain(String(v));
    }
    // 80 categories per column: the 29 most common get bars, the rest one "other (n)" bar.
    expect(html).toMatch(/other \(\d+\)/);
    const cat = report.columns.find((c) => c.column === 'cat_0');
    expect(cat?.distribution?.type).toBe('categories');
    if (cat?.distribution?.type === 'categories') {
      expect(cat.distribution.labels).toHaveLength(30);
      expect(cat.distribution.other).toBeGreaterThan(0);
    }
  });

  it('escapes every label and shows the verdict first', () => {
    const evil = '<img onerror=alert(1)>';
    const t = tableFromColumns({ [evil]: Array.from({ length: 40 }, (_, i) => (i % 2 ? evil : 'ok')) });
    const h = renderDriftHtml(computeDrift(t, t));
    expect(h).not.toContain(evil);
    expect(h).toContain('&lt;img onerror=alert(1)&gt;');
    expect(html.indexOf('<h1>Drift: drift</h1>')).toBeGreaterThan(0);
    expect(html).toContain('ref.csv');
  });
});
