/**
 * A column's two distributions reduced to at most 30 bars for a chart: shares per equal-width bin of
 * the combined range for numbers with many distinct values, shares per value otherwise, the 29 most
 * common categories plus one "other" bar for wide categorical columns. Only bin edges and category
 * labels leave the data, never rows.
 */
import { histogramSorted, linspace, sturgesEdges } from './stats/binning.js';
import { type ColumnPair } from './column-pair.js';

export const MAX_CHART_BARS = 30;
/** Category labels are cut to this many characters. */
export const MAX_LABEL_CHARS = 60;

export type DistributionChart =
  | {
      readonly type: 'histogram';
      /** Bin edges (bins + 1), 6 significant digits. */
      readonly edges: readonly number[];
      /** Share of each window's rows per bin, 4 significant digits. */
      readonly reference: readonly number[];
      readonly current: readonly number[];
    }
  | {
      readonly type: 'categories';
      readonly labels: readonly string[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
      /** How many categories the last bar ("other") stands for; 0 when every category has its bar. */
      readonly other: number;
    };

const share = (count: number, total: number) => (total > 0 ? Number((count / total).toPrecision(4)) : 0);

export function distributionChart(pair: ColumnPair): DistributionChart {
  const nRef = pair.nRef;
  const nCur = pair.nCur;
  if (pair.kind === 'numerical' && pair.uniqueValues > MAX_CHART_BARS) {
    const { ref, cur } = pair.numeric;
    const min = Math.min(ref[0] ?? Infinity, cur[0] ?? Infinity);
    const max = Math.max(ref[ref.length - 1] ?? -Infinity, cur[cur.length - 1] ?? -Infinity);
    const sturges = sturgesEdges(min, max, ref.length + cur.length);
    const edges = sturges.length - 1 > MAX_CHART_BARS ? linspace(min, max, MAX_CHART_BARS + 1) : sturges;
    return {
      type: 'histogram',
      edges: Array.from(edges, (e) => Number(e.toPrecision(6))),
      reference: Array.from(histogramSorted(ref, edges), (c) => share(c, nRef)),
      current: Array.from(histogramSorted(cur, edges), (c) => share(c, nCur)),
    };
  }
  const a = pair.aligned;
  let order = a.keys.map((_, i) => i);
  let other = 0;
  if (order.length > MAX_CHART_BARS) {
    const weight = (i: number) => (a.ref[i] as number) / Math.max(1, nRef) + (a.cur[i] as number) / Math.max(1, nCur);
    const top = [...order].sort((x, y) => weight(y) - weight(x) || x - y).slice(0, MAX_CHART_BARS - 1);
    other = order.length - top.length;
    order = top.sort((x, y) => x - y);
  }
  const label = (k: unknown) => {
    const s = String(k);
    return s.length > MAX_LABEL_CHARS ? `${s.slice(0, MAX_LABEL_CHARS - 1)}…` : s;
  };
  const reference = order.map((i) => share(a.ref[i] as number, nRef));
  const current = order.map((i) => share(a.cur[i] as number, nCur));
  const labels = order.map((i) => label(a.keys[i]));
  if (other > 0) {
    const rest = (counts: Float64Array) => {
      let s = 0;
      for (let i = 0; i < counts.length; i++) s += counts[i] as number;
      for (const i of order) s -= counts[i] as number;
      return s;
    };
    labels.push(`other (${other})`);
    reference.push(share(rest(a.ref), nRef));
    current.push(share(rest(a.cur), nCur));
  }
  return { type: 'categories', labels, reference, current, other };
}
