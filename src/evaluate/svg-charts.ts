/**
 * Small inline-SVG charts for the evaluation report: no scripts, no external assets, every label
 * escaped. Coordinates are rounded to 0.1 px to keep the page small.
 */

export function escapeHtml(v: unknown): string {
  return String(v).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A number for display: integers grouped, others to 4 significant digits; null as an em dash. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return String(Number(v.toPrecision(4)));
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Axes box for a unit square plot ([0, 1] on both axes) with grid lines at 0.25 steps. */
function unitAxes(size: number, pad: number, xLabel: string, yLabel: string): string {
  const w = size - 2 * pad;
  const parts: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = r1(pad + t * w);
    const y = r1(pad + (1 - t) * w);
    parts.push(`<line x1="${x}" y1="${pad}" x2="${x}" y2="${pad + w}" class="grid"/>`);
    parts.push(`<line x1="${pad}" y1="${y}" x2="${pad + w}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${pad + w + 14}" text-anchor="middle">${t}</text>`);
    parts.push(`<text x="${pad - 6}" y="${y + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<line x1="${pad}" y1="${pad + w}" x2="${pad + w}" y2="${pad}" class="diag"/>`);
  parts.push(`<text x="${pad + w / 2}" y="${size - 4}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  parts.push(
    `<text x="12" y="${pad + w / 2}" text-anchor="middle" transform="rotate(-90 12 ${pad + w / 2})">${escapeHtml(yLabel)}</text>`,
  );
  return parts.join('');
}

export function rocSvg(fpr: readonly number[], tpr: readonly number[], auc: number | null | undefined): string {
  const size = 300;
  const pad = 40;
  const w = size - 2 * pad;
  const pts = fpr.map((x, i) => `${r1(pad + x * w)},${r1(pad + (1 - (tpr[i] ?? 0)) * w)}`).join(' ');
  return `<svg viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="ROC curve">
${unitAxes(size, pad, 'false positive rate', 'true positive rate')}
<polyline points="${pts}" class="curve"/>
<text x="${pad + w - 4}" y="${pad + w - 8}" text-anchor="end" class="big">AUC ${escapeHtml(fmt(auc))}</text></svg>`;
}

export function calibrationSvg(probPred: readonly number[], probTrue: readonly number[], counts: readonly number[]): string {
  const size = 300;
  const pad = 40;
  const w = size - 2 * pad;
  const most = Math.max(1, ...counts);
  const xy = probPred.map((p, i) => [r1(pad + p * w), r1(pad + (1 - (probTrue[i] ?? 0)) * w)] as const);
  const dots = xy
    .map(([x, y], i) => {
      const rad = r1(2.5 + 5 * Math.sqrt((counts[i] ?? 0) / most));
      const tip = `predicted ${fmt(probPred[i])}, observed ${fmt(probTrue[i])}, ${fmt(counts[i])} rows`;
      return `<circle cx="${x}" cy="${y}" r="${rad}" class="dot"><title>${escapeHtml(tip)}</title></circle>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="Calibration curve">
${unitAxes(size, pad, 'mean predicted probability', 'fraction of positives')}
<polyline points="${xy.map(([x, y]) => `${x},${y}`).join(' ')}" class="curve"/>${dots}</svg>`;
}

/** Counts as a heatmap; shading is the share of the true class's row, so rare classes stay readable. */
export function confusionSvg(labels: readonly string[], matrix: readonly (readonly number[])[]): string {
  const k = labels.length;
  const cell = Math.max(28, Math.min(64, Math.floor(360 / k)));
  const left = 110;
  const top = 30;
  const size = { w: left + k * cell + 10, h: top + k * cell + 60 };
  const parts: string[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((n, j) => {
      const share = total === 0 ? 0 : n / total;
      const x = left + j * cell;
      const y = top + i * cell;
      const fill = `rgba(${i === j ? '18,183,106' : '217,45,32'},${r1(0.08 + 0.85 * share)})`;
      const tip = `true ${labels[i]}, predicted ${labels[j]}: ${n} (${fmt(share * 100)}% of true ${labels[i]})`;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" class="cell"><title>${escapeHtml(tip)}</title></rect>`,
      );
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle">${escapeHtml(fmt(n))}</text>`);
    });
    parts.push(
      `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeHtml(clip(labels[i] ?? '', 16))}</text>`,
    );
  });
  labels.forEach((l, j) => {
    const x = left + j * cell + cell / 2;
    const y = top + k * cell + 12;
    parts.push(`<text x="${x}" y="${y}" text-anchor="end" transform="rotate(-35 ${x} ${y})">${escapeHtml(clip(l, 14))}</text>`);
  });
  parts.push(`<text x="${left + (k * cell) / 2}" y="18" text-anchor="middle">predicted →</text>`);
  parts.push(`<text x="8" y="${top - 12}">true ↓</text>`);
  return `<svg viewBox="0 0 ${size.w} ${size.h}" width="${size.w}" height="${size.h}" role="img" aria-label="Confusion matrix">${parts.join('')}</svg>`;
}

export interface BarSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/** Grouped horizontal bars in [0, 1]: one band per group, one bar per series. */
export function groupedBarsSvg(groups: readonly string[], series: readonly BarSeries[]): string {
  const bar = 11;
  const band = series.length * bar + 10;
  const left = 140;
  const width = 260;
  const full = left + width + 120; // room for value labels and the third legend entry
  const top = 26;
  const h = top + groups.length * band + 10;
  const parts: string[] = [];
  series.forEach((s, j) => {
    parts.push(`<rect x="${left + j * 120}" y="6" width="10" height="10" class="s${j}"/>`);
    parts.push(`<text x="${left + j * 120 + 14}" y="15">${escapeHtml(s.name)}</text>`);
  });
  groups.forEach((g, i) => {
    const y0 = top + i * band;
    parts.push(`<text x="${left - 6}" y="${y0 + band / 2}" text-anchor="end">${escapeHtml(clip(g, 20))}</text>`);
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const y = y0 + j * bar;
      parts.push(
        `<rect x="${left}" y="${y}" width="${r1(Math.max(0, Math.min(1, v)) * width)}" height="${bar - 2}" class="s${j}"><title>${escapeHtml(`${g} ${s.name}: ${fmt(v)}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${left + r1(Math.max(0, Math.min(1, v)) * width) + 4}" y="${y + bar - 3}" class="small">${escapeHtml(fmt(v))}</text>`,
      );
    });
  });
  return `<svg viewBox="0 0 ${full} ${h}" width="${full}" height="${h}" role="img" aria-label="Per-group rates">${parts.join('')}</svg>`;
}
