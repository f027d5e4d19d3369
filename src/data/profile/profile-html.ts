/**
 * The HTML report of a profile summary: one self-contained file (inline CSS and SVG, no scripts, no
 * external assets), small enough to attach to a CI run — it draws from the summary's few numbers, never
 * from rows. Every piece of text from the data goes through `esc`, and nothing from the data is ever
 * placed in a tag name, attribute name, URL or style, so a value like `<script>` is just text.
 */
import type {
  CategoricalSummary,
  ColumnSummary,
  Histogram,
  NumericSummary,
  ProfileSummary,
  TimestampSummary,
  TopValue,
} from './summary.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attributes alike. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function fmt(v: number | string | boolean | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-4)) return v.toExponential(4);
  // Large values keep their integer digits (a sum of 19,754.12 must not print as 19754); small ones 6 significant.
  return abs >= 1e4 ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(Number(v.toPrecision(6)));
}

const pct = (f: number): string => `${(f * 100).toFixed(f > 0 && f < 0.001 ? 3 : 1)}%`;

function truncate(s: string, max = 48): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const CSS = `
:root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--accent:#2f6fde;--accent2:#9bb8f0;--warn:#d64545}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#102a43;color:#fff;padding:24px 32px}header h1{margin:0 0 6px;font-size:22px;font-weight:600;word-break:break-word}
header .meta{color:#bcccdc;font-size:14px}main{max-width:1100px;margin:0 auto;padding:24px 32px}
h2{font-size:16px;margin:28px 0 10px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:500;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums}a{color:var(--accent);text-decoration:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(16,42,67,.05)}
.card h3{margin:0 0 12px;font-size:17px;word-break:break-word}.badge{display:inline-block;font-size:11px;font-weight:600;padding:2px 8px;border-radius:10px;background:#e0e8f9;color:#1d3f8a;margin-left:8px;vertical-align:middle}
.grid{display:grid;grid-template-columns:minmax(240px,1fr) minmax(260px,1.3fr);gap:20px}@media (max-width:760px){.grid{grid-template-columns:1fr}}
.stats td:first-child{color:var(--muted);width:45%}.bar{height:8px;background:var(--line);border-radius:4px;overflow:hidden;margin-top:4px}
.bar span{display:block;height:100%;background:var(--warn)}.note{color:var(--muted);font-size:12px;margin-top:6px}
svg text{font:11px sans-serif;fill:var(--muted)}svg .lbl{fill:var(--fg)}svg rect.b{fill:var(--accent)}svg rect.b:hover{fill:#1d4fa8}svg rect.bg{fill:var(--bg)}
`;

function statRows(rows: readonly (readonly [string, string])[]): string {
  return `<table class="stats">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${v}</td></tr>`).join('')}</table>`;
}

function nullsCell(c: ColumnSummary): string {
  const f = Math.min(1, Math.max(0, c.nullFraction));
  return `${esc(fmt(c.nulls))} (${esc(pct(f))})<div class="bar"><span style="width:${(f * 100).toFixed(2)}%"></span></div>`;
}

function histogramSvg(h: Histogram, label: (v: number) => string): string {
  const W = 460;
  const H = 150;
  const top = 8;
  const bottom = 22;
  const max = Math.max(1, ...h.counts);
  const bw = W / Math.max(1, h.counts.length);
  const bars = h.counts
    .map((n, i) => {
      const bh = ((H - top - bottom) * n) / max;
      const range = `[${label(h.edges[i] as number)}, ${label(h.edges[i + 1] as number)}${i === h.counts.length - 1 ? ']' : ')'}`;
      const x = (i * bw + 0.5).toFixed(1);
      const y = (H - bottom - bh).toFixed(1);
      return `<rect class="b" x="${x}" y="${y}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(`${range}: ${fmt(n)}`)}</title></rect>`;
    })
    .join('');
  const first = esc(label(h.edges[0] as number));
  const last = esc(label(h.edges[h.edges.length - 1] as number));
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="histogram"><rect class="bg" x="0" y="${top}" width="${W}" height="${H - top - bottom}"/>${bars}<text x="0" y="${H - 6}">${first}</text><text x="${W}" y="${H - 6}" text-anchor="end">${last}</text></svg>${h.exact ? '' : '<div class="note">Approximate (from the quantile sketch).</div>'}`;
}

function topValuesSvg(values: readonly TopValue[], total: number): string {
  if (values.length === 0) return '<div class="note">No values.</div>';
  const W = 460;
  const row = 22;
  const labelW = 170;
  const max = Math.max(1, ...values.map((v) => v.count));
  const bars = values
    .map((v, i) => {
      const y = i * row;
      const w = ((W - labelW - 90) * v.count) / max;
      const text = String(v.value);
      const share = total > 0 ? ` (${pct(v.count / total)})` : '';
      return (
        `<g><title>${esc(`${text}: ${fmt(v.count)}${share}`)}</title>` +
        `<text class="lbl" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(truncate(text, 26))}</text>` +
        `<rect class="b" x="${labelW}" y="${y + 4}" width="${Math.max(1, w).toFixed(1)}" height="${row - 8}" rx="2"/>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${esc(fmt(v.count) + share)}</text></g>`
      );
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${values.length * row}" width="100%" role="img" aria-label="top values">${bars}</svg>`;
}

function quantileTable(qs: readonly { q: number; value: number | string | null }[], exact: boolean): string {
  const head = qs.map((q) => `<th>${esc(q.q === 0 ? 'min' : q.q === 1 ? 'max' : `${+(q.q * 100).toFixed(4)}%`)}</th>`).join('');
  const body = qs.map((q) => `<td class="num">${esc(fmt(q.value))}</td>`).join('');
  return `<h4 class="note">Quantiles${exact ? '' : ' (approximate)'}</h4><div style="overflow-x:auto"><table><tr>${head}</tr><tr>${body}</tr></table></div>`;
}

function distinctText(c: ColumnSummary): string {
  return esc(`${c.distinctExact ? '' : '≈ '}${fmt(c.distinct)}`);
}

function numericCard(c: NumericSummary): string {
  const stats = statRows([
    ['Count', esc(fmt(c.count))],
    ['Nulls', nullsCell(c)],
    ['Distinct', distinctText(c)],
    ['Min', esc(fmt(c.min))],
    ['Max', esc(fmt(c.max))],
    ['Mean', esc(fmt(c.mean))],
    ['Std (sample)', esc(fmt(c.std))],
    ['Sum', esc(fmt(c.sum))],
    ['Zeros', esc(fmt(c.zeros))],
    ['Negatives', esc(fmt(c.negatives))],
    ...(c.infinite > 0 ? [['Infinite', esc(fmt(c.infinite))] as const] : []),
  ]);
  const chart = c.histogram ? histogramSvg(c.histogram, (v) => fmt(v)) : '<div class="note">No values.</div>';
  return `<div class="grid"><div>${stats}</div><div>${chart}</div></div>${quantileTable(c.quantiles, c.quantilesExact)}`;
}

function timestampCard(c: TimestampSummary): string {
  const stats = statRows([
    ['Count', esc(fmt(c.count))],
    ['Nulls', nullsCell(c)],
    ['Distinct', distinctText(c)],
    ['Min', esc(fmt(c.min))],
    ['Max', esc(fmt(c.max))],
    ['Mean', esc(fmt(c.mean))],
    ['Std (days)', esc(fmt(c.stdMs === null ? null : c.stdMs / 86_400_000))],
  ]);
  const chart = c.histogram
    ? histogramSvg(c.histogram, (v) => new Date(v).toISOString().slice(0, 10))
    : '<div class="note">No values.</div>';
  return `<div class="grid"><div>${stats}</div><div>${chart}</div></div>${quantileTable(c.quantiles, c.quantilesExact)}`;
}

function categoricalCard(c: CategoricalSummary): string {
  const stats = statRows([
    ['Count', esc(fmt(c.count))],
    ['Nulls', nullsCell(c)],
    ['Distinct', distinctText(c)],
    ...(c.type === 'string'
      ? [
          ['Min length', esc(fmt(c.minLength))] as const,
          ['Max length', esc(fmt(c.maxLength))] as const,
          ['Mean length', esc(fmt(c.meanLength))] as const,
        ]
      : []),
  ]);
  const note = c.topValuesExact
    ? ''
    : `<div class="note">Approximate counts: each may be up to ${esc(fmt(c.topValuesMaxError))} below the truth.</div>`;
  return `<div class="grid"><div>${stats}</div><div><h4 class="note">Top values</h4>${topValuesSvg(c.topValues, c.count)}${note}</div></div>`;
}

function card(c: ColumnSummary, i: number): string {
  const body = c.kind === 'numeric' ? numericCard(c) : c.kind === 'timestamp' ? timestampCard(c) : categoricalCard(c);
  return `<section class="card" id="col-${i}"><h3>${esc(c.name)}<span class="badge">${esc(c.type)}</span></h3>${body}</section>`;
}

function overview(s: ProfileSummary): string {
  const rows = s.columns
    .map(
      (c, i) =>
        `<tr><td><a href="#col-${i}">${esc(c.name)}</a></td><td>${esc(c.type)}</td><td class="num">${esc(fmt(c.count))}</td>` +
        `<td class="num">${esc(pct(c.nullFraction))}</td><td class="num">${distinctText(c)}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>Column</th><th>Type</th><th>Count</th><th>Nulls</th><th>Distinct</th></tr>${rows}</table>`;
}

/** One self-contained HTML page for a profile summary; `title` and every data value are escaped. */
export function renderProfileHtml(summary: ProfileSummary, title: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><div class="meta">${esc(fmt(summary.rowCount))} rows · ${esc(fmt(summary.columnCount))} columns</div></header>`,
    `<main><h2>Columns</h2>${overview(summary)}`,
    summary.columns.map(card).join('\n'),
    '</main></body></html>',
    '',
  ].join('\n');
}
