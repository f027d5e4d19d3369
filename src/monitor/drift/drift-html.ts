/**
 * The drift report a person reads: one self-contained HTML file (inline CSS and SVG, no scripts, no
 * external assets) with the data set's verdict first, a summary table of every column, then one card
 * per column — drifted first — with its test, figures and a bar chart of the reference and current
 * distributions. Charts come from the report's binned shares, so no data row is embedded; every label
 * is escaped. A 100-column report is well under 1 MB.
 */
import { type ColumnDrift, type DriftReport, type Verdict } from './compute-drift.js';
import { type DistributionChart } from './distribution-chart.js';
import { driftTest } from './drift-tests.js';

export interface DriftHtmlContext {
  /** What was compared, e.g. the two files. */
  readonly reference?: string;
  readonly current?: string;
  readonly generatedAt?: Date;
}

function escapeHtml(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const VERDICT_TEXT: Record<Verdict, string> = { drift: 'drift', no_drift: 'no drift', insufficient_data: 'insufficient data' };

/** Grouped vertical bars: reference and current share per bin or category. */
function chartSvg(chart: DistributionChart): string {
  const labels =
    chart.type === 'categories'
      ? chart.labels
      : chart.edges.slice(0, -1).map((e, i) => `${fmt(e)} – ${fmt(chart.edges[i + 1])}`);
  const n = labels.length;
  const width = 420;
  const height = 150;
  const left = 36;
  const bottom = chart.type === 'categories' ? 46 : 20;
  const top = 8;
  const plotW = width - left - 6;
  const plotH = height - top - bottom;
  const max = Math.max(1e-12, ...chart.reference, ...chart.current);
  const band = plotW / Math.max(1, n);
  const bar = Math.max(1, (band - 2) / 2);
  const parts: string[] = [];
  for (const t of [0, 0.5, 1]) {
    const y = r1(top + plotH * (1 - t));
    parts.push(`<line x1="${left}" y1="${y}" x2="${width - 6}" y2="${y}" class="grid"/><text x="${left - 4}" y="${y + 3}" text-anchor="end">${escapeHtml(fmt(max * t))}</text>`);
  }
  for (let i = 0; i < n; i++) {
    const x = left + i * band + 1;
    const hr = (plotH * (chart.reference[i] ?? 0)) / max;
    const hc = (plotH * (chart.current[i] ?? 0)) / max;
    const tip = `${labels[i]}: reference ${fmt(chart.reference[i])}, current ${fmt(chart.current[i])}`;
    parts.push(
      `<g><title>${escapeHtml(tip)}</title><rect x="${r1(x)}" y="${r1(top + plotH - hr)}" width="${r1(bar)}" height="${r1(hr)}" class="ref"/><rect x="${r1(x + bar)}" y="${r1(top + plotH - hc)}" width="${r1(bar)}" height="${r1(hc)}" class="cur"/></g>`,
    );
  }
  if (chart.type === 'categories') {
    const step = Math.ceil(n / 15);
    for (let i = 0; i < n; i += step) {
      const x = r1(left + i * band + band / 2);
      const y = top + plotH + 10;
      parts.push(`<text x="${x}" y="${y}" text-anchor="end" transform="rotate(-35 ${x} ${y})">${escapeHtml(clip(labels[i] ?? '', 14))}</text>`);
    }
  } else {
    const y = top + plotH + 13;
    parts.push(`<text x="${left}" y="${y}">${escapeHtml(fmt(chart.edges[0]))}</text>`);
    parts.push(`<text x="${width - 6}" y="${y}" text-anchor="end">${escapeHtml(fmt(chart.edges[chart.edges.length - 1]))}</text>`);
  }
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="reference and current distributions">${parts.join('')}</svg>`;
}

function figures(c: ColumnDrift): string {
  const test = driftTest(c.test);
  const rows: [string, string][] = [
    ['test', `${escapeHtml(test.label)} <code>${escapeHtml(c.test)}</code>${c.method ? ` (${escapeHtml(c.method)})` : ''}`],
    ['statistic', escapeHtml(fmt(c.statistic))],
  ];
  if (test.figure === 'p_value') rows.push(['p-value', escapeHtml(fmt(c.p_value))]);
  if (c.adjusted_p_value !== undefined) rows.push(['adjusted p-value', escapeHtml(fmt(c.adjusted_p_value))]);
  rows.push(['drift when', `${escapeHtml(c.drift_when)} = ${escapeHtml(fmt(c.threshold))}`]);
  if (c.adjusted_threshold !== undefined) rows.push(['adjusted threshold', escapeHtml(fmt(c.adjusted_threshold))]);
  rows.push(['values', `reference ${escapeHtml(fmt(c.reference_rows))}, current ${escapeHtml(fmt(c.current_rows))} (${escapeHtml(fmt(c.unique_values))} distinct)`]);
  if (c.reference_missing || c.current_missing) rows.push(['missing', `reference ${escapeHtml(fmt(c.reference_missing))}, current ${escapeHtml(fmt(c.current_missing))}`]);
  if (c.note) rows.push(['note', escapeHtml(c.note)]);
  return `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function card(c: ColumnDrift): string {
  const role = c.role === 'feature' ? '' : ` <span class="role">${escapeHtml(c.role)}</span>`;
  return `<section class="card ${c.verdict}" id="col-${escapeHtml(encodeURIComponent(c.column))}">
<h2><span class="badge">${VERDICT_TEXT[c.verdict]}</span>${escapeHtml(c.column)}${role} <small>${escapeHtml(c.kind)}</small></h2>
<div class="body">${figures(c)}${c.distribution ? `<div class="chart">${chartSvg(c.distribution)}</div>` : ''}</div>
</section>`;
}

function summaryRow(c: ColumnDrift): string {
  const test = driftTest(c.test);
  return `<tr class="${c.verdict}"><td><a href="#col-${escapeHtml(encodeURIComponent(c.column))}">${escapeHtml(c.column)}</a>${c.role === 'feature' ? '' : ` <span class="role">${escapeHtml(c.role)}</span>`}</td><td>${escapeHtml(c.kind)}</td><td>${escapeHtml(c.test)}</td><td>${escapeHtml(fmt(c.statistic))}</td><td>${test.figure === 'p_value' ? escapeHtml(fmt(c.adjusted_p_value ?? c.p_value)) : '—'}</td><td>${escapeHtml(fmt(c.threshold))}</td><td><span class="pill">${VERDICT_TEXT[c.verdict]}</span></td></tr>`;
}

export function renderDriftHtml(report: DriftReport, ctx: DriftHtmlContext = {}): string {
  const d = report.dataset;
  const title = `Drift: ${VERDICT_TEXT[d.verdict]}`;
  const rank: Record<Verdict, number> = { drift: 0, no_drift: 1, insufficient_data: 2 };
  const ordered = [...report.columns].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
  const callout = (label: string, c: ColumnDrift | undefined) =>
    c ? `<div class="stat ${c.verdict}"><b>${VERDICT_TEXT[c.verdict]}</b>${label} (${escapeHtml(c.column)})</div>` : '';
  const sub = [ctx.reference && `reference ${escapeHtml(ctx.reference)}`, ctx.current && `current ${escapeHtml(ctx.current)}`].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{padding:24px 32px;color:#fff;background:#0f7b3f}header.drift{background:#b42318}header.insufficient_data{background:#667085}
header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.9}
main{padding:24px 32px;max-width:1100px}
.stats{display:flex;gap:16px;margin-bottom:20px;flex-wrap:wrap}
.stat{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0001;min-width:140px}.stat b{display:block;font-size:22px}
.stat.drift b{color:#b42318}.stat.no_drift b{color:#0f7b3f}
table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}th{color:#667085;font-weight:500}
.summary{background:#fff;border-radius:8px;padding:12px 18px;box-shadow:0 1px 2px #0001;margin-bottom:20px;overflow-x:auto}
.summary td{border-top:1px solid #eaecf0}.summary a{color:inherit}
.pill,.badge{display:inline-block;font-size:11px;font-weight:600;padding:2px 8px;border-radius:10px;color:#fff;background:#12b76a}
.drift .pill,.drift .badge{background:#d92d20}.insufficient_data .pill,.insufficient_data .badge{background:#98a2b3}
.badge{margin-right:8px}.role{font-size:11px;color:#475467;background:#eaecf0;border-radius:8px;padding:1px 6px}
.card{background:#fff;border-radius:8px;padding:14px 18px;margin-bottom:12px;box-shadow:0 1px 2px #0001;border-left:5px solid #12b76a}
.card.drift{border-left-color:#d92d20}.card.insufficient_data{border-left-color:#98a2b3}
.card h2{font-size:15px;margin:0 0 6px;font-family:ui-monospace,Menlo,monospace}.card h2 small{color:#667085;font-weight:400}
.body{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
code{font-family:ui-monospace,Menlo,monospace;font-size:12.5px}
svg text{font-size:10px;fill:#475467}svg .grid{stroke:#eaecf0}svg .ref{fill:#7a8ca6}svg .cur{fill:#f79009}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
footer{color:#667085;padding:0 32px 24px}
</style></head><body>
<header class="${d.verdict}"><h1>${escapeHtml(title)}</h1><p>${sub}</p></header>
<main>
<div class="stats">
<div class="stat"><b>${d.drifted_columns} / ${d.columns}</b>columns drifted</div>
<div class="stat"><b>${escapeHtml(fmt(d.share))}</b>share drifted (drift at ≥ ${escapeHtml(fmt(d.drift_share_threshold))})</div>
<div class="stat"><b>${escapeHtml(fmt(report.reference_rows))} / ${escapeHtml(fmt(report.current_rows))}</b>reference / current rows</div>
${d.insufficient_columns ? `<div class="stat"><b>${d.insufficient_columns}</b>columns with too little data (under ${report.options.min_sample_size} values)</div>` : ''}
${report.options.correction ? `<div class="stat"><b>${escapeHtml(report.options.correction === 'bh' ? 'Benjamini–Hochberg' : 'Bonferroni')}</b>p-value correction</div>` : ''}
${callout('target drift', report.target_drift)}${callout('prediction drift', report.prediction_drift)}
</div>
<div class="summary"><table><tr><th>column</th><th>kind</th><th>test</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th></tr>
${report.columns.map(summaryRow).join('\n')}</table>
<p class="legend">Charts: share of rows per bin or category,<i style="background:#7a8ca6"></i>reference<i style="background:#f79009"></i>current</p></div>
${ordered.map(card).join('\n')}
${report.skipped.length ? `<p>Not tested: ${report.skipped.map((s) => `${escapeHtml(s.column)} (${escapeHtml(s.reason)})`).join(', ')}</p>` : ''}
</main>
<footer>Slipway drift report${ctx.generatedAt ? `, ${escapeHtml(ctx.generatedAt.toISOString())}` : ''}. Tests and thresholds as Evidently; statistics as SciPy.</footer>
</body></html>
`;
}
