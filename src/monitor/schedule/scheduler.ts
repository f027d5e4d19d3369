/**
 * Runs named jobs on cron schedules (UTC) and records every due time in `schedule_runs`, whose key
 * (schedule, due_time) makes a due time run at most once across all processes sharing the store.
 *
 * On each tick, for each schedule, the scheduler looks only at the LATEST due time at or before now:
 *   - already recorded (here or by another process): nothing to do;
 *   - not recorded: claim it by inserting a 'running' row (a conflicting insert means another
 *     process claimed it first), run it, then record 'ok' or 'failed' with a message.
 * Catch-up rule: after downtime only the latest missed due time runs, once; the earlier ones are not
 * run and not recorded (the catch-up run's message says how many were passed over).
 * A schedule never seen before (no rows) does not run for a past due time: its latest past due time
 * is recorded as 'skipped' and it first runs at its next due time, like a new cron entry.
 * One schedule never runs twice at once in one scheduler: a due time that comes while a run is in
 * flight waits, and is caught up (by the rule above) as soon as that run ends. A 'running' row older than `abandonAfterMs`
 * (its process died) is marked 'failed' ("abandoned") and is not re-run.
 */
import { invalid } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { type CronSchedule, parseCron } from './cron.js';

export interface Schedule {
  /** Unique among the scheduler's schedules; the key of its rows in `schedule_runs`. */
  readonly name: string;
  /** A cron expression (UTC), or a parsed one. */
  readonly cron: string | CronSchedule;
  /** Does the work for one due time (epoch ms). A rejection is recorded as 'failed'. */
  run(due: number): Promise<void>;
}

export type ScheduleRunStatus = 'running' | 'ok' | 'failed' | 'skipped';

export interface ScheduleRun {
  readonly schedule: string;
  readonly dueTime: number;
  readonly startedTime: number;
  readonly finishedTime: number | null;
  readonly status: ScheduleRunStatus;
  readonly message: string;
}

/**
 * What one tick did for one schedule: ran it ('ok' or 'failed'), recorded a new schedule's first due
 * time as skipped ('first_seen'), found it recorded already, lost the claim to another process, found
 * its previous run still in flight here ('busy'), or could not reach the store ('error').
 */
export type TickOutcome = 'ok' | 'failed' | 'first_seen' | 'recorded' | 'claimed_elsewhere' | 'busy' | 'error';

export interface TickResult {
  readonly schedule: string;
  /** The due time considered (epoch ms). */
  readonly due: number;
  readonly outcome: TickOutcome;
  /** Earlier due times passed over by this catch-up run (0 when none were missed). */
  readonly missed?: number;
  readonly error?: string;
}

export interface SchedulerLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface SchedulerOptions {
  readonly store: Store;
  readonly schedules: readonly Schedule[];
  /** Epoch ms. @default store.now */
  readonly now?: () => number;
  /** @default nothing is logged */
  readonly logger?: SchedulerLogger;
  /** A 'running' row older than this is marked failed as abandoned (never re-run). @default 86400000 (24 h) */
  readonly abandonAfterMs?: number;
  /** Whether the timer lets the process exit (a CLI keeps it alive by other means). @default true */
  readonly unref?: boolean;
  /** Injectable timers for tests. @default globalThis.setTimeout / clearTimeout */
  readonly timers?: {
    setTimeout(fn: () => void, ms: number): { unref?(): unknown };
    clearTimeout(handle: { unref?(): unknown }): void;
  };
}

export interface Scheduler {
  /** Runs what is due at `now` (default: the clock) and resolves when those runs have finished. */
  tick(now?: number): Promise<TickResult[]>;
  /** Ticks now (catching up), then at each next due time. */
  start(): void;
  /** Stops the timer and waits for runs in flight. */
  stop(): Promise<void>;
}

/** Cap on counting passed-over due times for the catch-up message (a per-minute schedule down for a month). */
const MISSED_COUNT_CAP = 10_000;
/** Wake at least this often, so a changed wall clock is noticed. */
const MAX_SLEEP_MS = 3_600_000;
const MESSAGE_LIMIT = 2000;

/**
 * @example
 *   const scheduler = createScheduler({ store, schedules: [{ name: 'churn-drift', cron: '0 * * * *', run: (due) => runMonitor(due) }] });
 *   scheduler.start();
 *   // … on shutdown
 *   await scheduler.stop();
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store } = options;
  const now = options.now ?? (() => store.now());
  const abandonAfterMs = options.abandonAfterMs ?? 86_400_000;
  const timers: NonNullable<SchedulerOptions['timers']> = options.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  const names = new Set<string>();
  const schedules = options.schedules.map((s) => {
    if (typeof s.name !== 'string' || s.name === '' || s.name.length > 256) throw invalid(`schedule name '${String(s.name)}' must be 1 to 256 characters`);
    if (names.has(s.name)) throw invalid(`schedule name '${s.name}' is used twice: names must be unique`);
    names.add(s.name);
    return { ...s, cron: typeof s.cron === 'string' ? parseCron(s.cron) : s.cron };
  });
  const inFlight = new Set<string>();
  const recheck = new Set<string>();
  const ticks = new Set<Promise<unknown>>();
  let timer: { unref?(): unknown } | undefined;
  let started = false;

  async function tick(at: number = now()): Promise<TickResult[]> {
    await sweepAbandoned(at).catch((err: unknown) => options.logger?.error('scheduler could not check abandoned runs', { err }));
    return Promise.all(schedules.map((s) => tickOne(s, at)));
  }

  async function tickOne(s: (typeof schedules)[number], at: number): Promise<TickResult> {
    const due = s.cron.latestAtOrBefore(at).getTime();
    if (inFlight.has(s.name)) {
      recheck.add(s.name);
      return { schedule: s.name, due, outcome: 'busy' };
    }
    inFlight.add(s.name);
    try {
      const row = await store.db.selectFrom('schedule_runs').select((eb) => eb.fn.max('due_time').as('last')).where('schedule', '=', s.name).executeTakeFirst();
      const last = row?.last === null || row?.last === undefined ? undefined : Number(row.last);
      if (last === undefined) {
        await insertRow(s.name, due, at, 'skipped', 'first seen: a new schedule starts at its next due time');
        options.logger?.info('schedule first seen', { schedule: s.name, skipped: new Date(due).toISOString() });
        return { schedule: s.name, due, outcome: 'first_seen' };
      }
      if (last >= due) return { schedule: s.name, due, outcome: 'recorded' };
      if (!(await insertRow(s.name, due, at, 'running', ''))) return { schedule: s.name, due, outcome: 'claimed_elsewhere' };
      const missed = countBetween(s.cron, last, due);
      const caughtUp = missed > 0 ? `caught up: ${missed >= MISSED_COUNT_CAP ? `${MISSED_COUNT_CAP}+` : missed} earlier due time(s) after ${new Date(last).toISOString()} were not run` : '';
      try {
        await s.run(due);
        await finish(s.name, due, 'ok', caughtUp);
        return { schedule: s.name, due, outcome: 'ok', missed };
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        options.logger?.error('scheduled run failed', { schedule: s.name, due: new Date(due).toISOString(), err });
        await finish(s.name, due, 'failed', caughtUp ? `${error} (${caughtUp})` : error);
        return { schedule: s.name, due, outcome: 'failed', missed, error };
      }
    } catch (err) {
      options.logger?.error('scheduler could not reach the store', { schedule: s.name, err });
      return { schedule: s.name, due, outcome: 'error', error: err instanceof Error ? err.message : String(err) };
    } finally {
      inFlight.delete(s.name);
      // A due time came while this one ran: catch it up now rather than at the next timer.
      if (recheck.delete(s.name) && started) track(tickOne(s, now()));
    }
  }

  /** Inserts a row unless (schedule, due_time) exists; true when this call inserted it (the claim). */
  async function insertRow(schedule: string, due: number, at: number, status: ScheduleRunStatus, message: string): Promise<boolean> {
    const finished = status === 'skipped' ? at : null;
    const result = await store.db
      .insertInto('schedule_runs')
      .values({ schedule, due_time: due, started_time: at, finished_time: finished, status, message })
      .onConflict((oc) => oc.columns(['schedule', 'due_time']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async function finish(schedule: string, due: number, status: 'ok' | 'failed', message: string): Promise<void> {
    await store.db
      .updateTable('schedule_runs')
      .set({ status, message: message.slice(0, MESSAGE_LIMIT), finished_time: now() })
      .where('schedule', '=', schedule)
      .where('due_time', '=', due)
      .execute();
  }

  async function sweepAbandoned(at: number): Promise<void> {
    if (schedules.length === 0) return;
    const hours = Math.round(abandonAfterMs / 3_600_000);
    await store.db
      .updateTable('schedule_runs')
      .set({ status: 'failed', finished_time: at, message: `abandoned: still 'running' after ${hours >= 1 ? `${hours} h` : `${abandonAfterMs} ms`} (its process stopped?); not re-run` })
      .where('schedule', 'in', [...names])
      .where('status', '=', 'running')
      .where('started_time', '<', at - abandonAfterMs)
      .execute();
  }

  function arm(): void {
    if (!started) return;
    const t = now();
    const next = Math.min(...schedules.map((s) => s.cron.nextAfter(t).getTime()));
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, next - t));
    timer = timers.setTimeout(() => {
      timer = undefined;
      track(tick());
      arm();
    }, delay);
    if (options.unref !== false) timer.unref?.();
  }

  function track(p: Promise<unknown>): void {
    const settled = p.catch((err: unknown) => options.logger?.error('scheduler tick failed', { err }));
    ticks.add(settled);
    void settled.finally(() => ticks.delete(settled));
  }

  return {
    tick,
    start() {
      if (started || schedules.length === 0) return;
      started = true;
      track(tick());
      arm();
    },
    async stop() {
      started = false;
      if (timer) timers.clearTimeout(timer);
      timer = undefined;
      await Promise.all([...ticks]);
    },
  };
}

/** Due times strictly between `after` and `before`, counted up to the cap. */
function countBetween(cron: CronSchedule, after: number, before: number): number {
  let n = 0;
  for (let t = cron.nextAfter(after).getTime(); t < before && n < MISSED_COUNT_CAP; t = cron.nextAfter(t).getTime()) n++;
  return n;
}

export interface ListScheduleRunsOptions {
  /** Newest due time first, at most this many. @default 100 */
  readonly limit?: number;
}

/** A schedule's recorded due times, newest first. */
export async function listScheduleRuns(store: Store, schedule: string, options: ListScheduleRunsOptions = {}): Promise<ScheduleRun[]> {
  const rows = await store.db.selectFrom('schedule_runs').selectAll().where('schedule', '=', schedule).orderBy('due_time', 'desc').limit(options.limit ?? 100).execute();
  return rows.map((r) => ({
    schedule: r.schedule,
    dueTime: Number(r.due_time),
    startedTime: Number(r.started_time),
    finishedTime: r.finished_time === null ? null : Number(r.finished_time),
    status: r.status as ScheduleRunStatus,
    message: r.message,
  }));
}
