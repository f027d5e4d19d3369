/** One benchmark figure, printed beside a baseline measured in the same run (machines are noisy; ratios are not). */
export interface BenchResult {
  readonly name: string;
  /** What was measured, in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** The same-run baseline, in the same unit, and what it is. */
  readonly baseline?: { readonly value: number; readonly what: string };
  /** value/baseline or baseline/value, whichever reads as "higher is better" for this figure. */
  readonly ratio?: number;
  /** The bar, in words, and whether it was met. */
  readonly target: string;
  readonly pass: boolean;
}

export function printResults(results: readonly BenchResult[]): void {
  for (const r of results) {
    const base = r.baseline ? `  baseline ${fmt(r.baseline.value)} ${r.unit} (${r.baseline.what})` : '';
    const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(2)}x`;
    process.stdout.write(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name}: ${fmt(r.value)} ${r.unit}${base}${ratio}  [target: ${r.target}]\n`);
  }
}

function fmt(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2);
}

/** Median of `n` timed runs of `fn`, in milliseconds. */
export async function medianMs(n: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
