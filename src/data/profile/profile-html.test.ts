import { describe, expect, it } from 'vitest';
import { stringColumn, tableFromColumns } from '../table.js';
import { esc, renderProfileHtml } from './profile-html.js';
import { profileTable } from './profile.js';
import { summarizeProfile } from './summary.js';

const EVIL = '<script>alert(1)</script>';
const EVIL_ATTR = '"><img src=x onerror=alert(2)>';

const base = tableFromColumns({
  [EVIL]: [1, 2, 3, null, 5],
  price: [1.5, 2.25, null, 10, 3],
  flag: [true, false, true, null, true],
  when: [
    new Date('2024-01-01T00:00:00Z'),
    new Date('2024-03-01T12:00:00Z'),
    null,
    new Date('2024-02-01T00:00:00Z'),
    new Date('2024-01-15T00:00:00Z'),
  ],
});
const table = { ...base, columns: [...base.columns, stringColumn('comment', [EVIL, EVIL_ATTR, "it's & ok", null, EVIL])] };
const summary = summarizeProfile(profileTable(table));
const html = renderProfileHtml(summary, `Report ${EVIL}`);

describe('profile HTML report', () => {
  it('escapes every data value and the title: no markup from the data survives', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror=alert(2)>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('it&#39;s &amp; ok');
    expect(esc(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('is one self-contained page: inline CSS and SVG, no scripts, no external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import|url\(/i);
    expect(html.match(/<svg /g)?.length).toBe(5); // 3 histograms, 2 top-value charts
    expect(html.match(/<section class="card"/g)?.length).toBe(5);
  });

  it('shows the header counts and the per-column figures', () => {
    expect(html).toContain('5 rows · 5 columns');
    expect(html).toContain('>price<span class="badge">float</span>');
    expect(html).toContain('Std (sample)');
    expect(html).toContain('2024-01-01T00:00:00.000Z');
    expect(html).toMatch(/1 \(20\.0%\)<div class="bar"><span style="width:20\.00%"><\/span>/);
    expect(html).toContain('Quantiles');
  });

  it('renders an empty profile', () => {
    const empty = renderProfileHtml(summarizeProfile(profileTable(tableFromColumns({ x: [], s: [] }))), 'empty');
    expect(empty).toContain('0 rows · 2 columns');
    expect(empty).toContain('No values.');
  });
});
