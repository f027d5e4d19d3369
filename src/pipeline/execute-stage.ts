import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { invalid, SlipwayError } from '../errors.js';
import { runProcess } from './executor/run-process.js';
import { getStageRunner, type StageRunContext, type StageRunResult } from './stage-runners.js';

export interface AttemptOutcome {
  readonly ok: boolean;
  /** What went wrong, one line, for the report. */
  readonly error?: string;
  readonly attempts: number;
  readonly aborted: boolean;
  readonly result?: StageRunResult;
}

/**
 * Runs a stage's commands (or its built-in kind) with its retry policy: each failed attempt waits
 * backoff × factor^n (capped) before the next; a timeout or Ctrl-C stops the whole process group.
 */
export async function executeStage(
  ctx: StageRunContext,
  env: NodeJS.ProcessEnv,
  log: Writable,
  sleep: (ms: number, signal: AbortSignal) => Promise<void> = abortableSleep,
): Promise<AttemptOutcome> {
  const { stage } = ctx;
  const policy = stage.retries;
  let error = '';
  let lastResult: StageRunResult | undefined;
  for (let attempt = 1; attempt <= policy.count + 1; attempt++) {
    if (attempt > 1) {
      const wait = Math.min(policy.maxBackoffMs, policy.backoffMs * policy.factor ** (attempt - 2));
      ctx.log(`retrying in ${(wait / 1000).toFixed(1)}s (attempt ${attempt} of ${policy.count + 1}) after: ${error}`);
      await sleep(wait, ctx.signal);
      if (ctx.signal.aborted) return { ok: false, error: 'interrupted', attempts: attempt - 1, aborted: true };
    }
    const outcome = stage.uses ? await runKind(ctx) : await runCommands(ctx, env, log);
    if (outcome.ok || outcome.aborted) return { ...outcome, attempts: attempt };
    error = outcome.error ?? 'failed';
    lastResult = outcome.result;
  }
  return { ok: false, error, attempts: policy.count + 1, aborted: false, ...(lastResult ? { result: lastResult } : {}) };
}

async function runCommands(ctx: StageRunContext, env: NodeJS.ProcessEnv, log: Writable): Promise<Omit<AttemptOutcome, 'attempts'>> {
  const { stage } = ctx;
  for (const command of stage.cmd) {
    const r = await runProcess({
      command, cwd: join(ctx.spec.root, stage.wdir), env, log, signal: ctx.signal,
      ...(stage.timeoutMs !== undefined ? { timeoutMs: stage.timeoutMs } : {}),
      onLine: (line) => ctx.log(line),
    });
    if (r.aborted) return { ok: false, error: 'interrupted', aborted: true };
    if (r.timedOut) return { ok: false, error: `timed out after ${((stage.timeoutMs ?? 0) / 1000).toFixed(1)}s: ${command}`, aborted: false };
    if (r.exitCode !== 0) {
      const how = r.signal ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`;
      return { ok: false, error: `${how}: ${command}`, aborted: false };
    }
  }
  return { ok: true, aborted: false };
}

async function runKind(ctx: StageRunContext): Promise<Omit<AttemptOutcome, 'attempts'>> {
  const kind = ctx.stage.uses?.kind ?? '';
  const runner = getStageRunner(kind);
  if (!runner) throw invalid(`stage '${ctx.stage.name}': stage kind '${kind}' has no runner in this build.`);
  try {
    const result = await runner(ctx);
    return { ok: true, aborted: false, ...(result ? { result } : {}) };
  } catch (err) {
    if (ctx.signal.aborted) return { ok: false, error: 'interrupted', aborted: true };
    // A failed check (validation, gate) is a stage failure with its own message; anything else is too.
    const message = err instanceof SlipwayError ? err.message : String((err as Error)?.message ?? err);
    // A failed check still reports what it measured (a validation's counts), so the run records them.
    const metrics = err instanceof SlipwayError ? (err.context.metrics as Record<string, number> | undefined) : undefined;
    return { ok: false, error: message, aborted: false, ...(metrics ? { result: { metrics } } : {}) };
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
