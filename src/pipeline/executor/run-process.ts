import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface ProcessOptions {
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kill the whole process group after this long. */
  readonly timeoutMs?: number;
  /** Called with each complete output line (stdout and stderr, in arrival order). */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Receives the raw output too (the stage log). */
  readonly log?: Writable;
  readonly signal?: AbortSignal;
}

export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
}

/** Grace between SIGTERM and SIGKILL when a stage is stopped. */
const KILL_GRACE_MS = 3000;

/**
 * Runs one shell command in its own process group, so a timeout or Ctrl-C stops everything it
 * started (a `python train.py` that forks data loaders included), not just the shell.
 */
export function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      if (child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = options.timeoutMs ? setTimeout(() => { timedOut = true; killGroup(); }, options.timeoutMs) : undefined;
    const onAbort = () => { aborted = true; killGroup(); };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const stream of ['stdout', 'stderr'] as const) {
      let pending = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        options.log?.write(chunk);
        pending += chunk;
        let nl = pending.indexOf('\n');
        while (nl !== -1) {
          options.onLine(pending.slice(0, nl), stream);
          pending = pending.slice(nl + 1);
          nl = pending.indexOf('\n');
        }
      });
      child[stream].on('end', () => { if (pending) options.onLine(pending, stream); });
    }
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // The shell is gone; make sure nothing it left behind in its group keeps running.
      if (child.pid !== undefined && (timedOut || aborted)) signalGroup(child.pid, 'SIGKILL');
      resolve({ exitCode, signal, timedOut, aborted, durationMs: performance.now() - started });
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
