/**
 * One self-rewriting status line on stderr for long commands, shown only on a terminal: piped or
 * redirected output, CI logs and `--json` consumers see nothing of it. Updates are throttled, so a
 * caller can report after every chunk.
 */

export interface ProgressLine {
  /** Reports rows done (and the total, when known). */
  update(rows: number, total?: number): void;
  /** Clears the line (call before printing the result). */
  done(): void;
}

export interface ProgressLineOptions {
  /** @default process.stderr */
  readonly stream?: Pick<NodeJS.WriteStream, 'write'> & { readonly isTTY?: boolean };
  /** Milliseconds between redraws. @default 100 */
  readonly intervalMs?: number;
  /** Clock in milliseconds (tests pass their own). @default performance.now */
  readonly now?: () => number;
}

const NOOP: ProgressLine = { update: () => undefined, done: () => undefined };

/** "Scoring: 120,000 rows, 45%, 85,000 rows/s" */
export function progressLine(label: string, options: ProgressLineOptions = {}): ProgressLine {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return NOOP;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 100;
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(rows, total) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      const seconds = (t - start) / 1000;
      const parts = [`${rows.toLocaleString('en-US')} rows`];
      if (total !== undefined && total > 0) parts.push(`${Math.min(100, Math.floor((rows / total) * 100))}%`);
      if (seconds > 0) parts.push(`${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
      stream.write(`\r${label}: ${parts.join(', ')}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
