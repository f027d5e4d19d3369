import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { openDatabase, type Store } from '../../store/index.js';
import { createScheduler, listScheduleRuns, type Schedule, type TickResult } from './scheduler.js';

const at = (hhmm: string, day = '2025-03-10') => Date.parse(`${day}T${hhmm}Z`);
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

/** A schedule that records the due times it ran. */
function recording(name: string, cron: string, fail?: (due: number) => boolean): Schedule & { ran: number[] } {
  const ran: number[] = [];
  return {
    name, cron, ran,
    async run(due) {
      ran.push(due);
      if (fail?.(due)) throw new Error(`no data for ${hhmm(due)}`);
    },
  };
}

/** Waits (polling) until `cond` holds; fails after 5 s. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached in 5 s');
}

const outcomes = (results: TickResult[]) => results.map((r) => `${r.schedule} ${hhmm(r.due)} ${r.outcome}`);

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`scheduler on ${backend.name}`, () => {
    let t: TestStore;
    let clock = 0;
    beforeEach(async () => {
      t = await createTestStore(backend, { now: () => clock });
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('runs each due time once at the normal cadence; a new schedule starts at its next due time', async () => {
      const hourly = recording('hourly', '0 * * * *');
      const scheduler = createScheduler({ store: t.store, schedules: [hourly], now: () => clock });
      const tickAt = async (time: number) => {
        clock = time;
        return outcomes(await scheduler.tick(time));
      };
      expect(await tickAt(at('09:30'))).toEqual(['hourly 09:00 first_seen']);
      expect(await tickAt(at('09:59'))).toEqual(['hourly 09:00 recorded']);
      expect(await tickAt(at('10:00'))).toEqual(['hourly 10:00 ok']);
      expect(await tickAt(at('10:00') + 500)).toEqual(['hourly 10:00 recorded']);
      expect(await tickAt(at('10:59'))).toEqual(['hourly 10:00 recorded']);
      expect(await tickAt(at('11:00'))).toEqual(['hourly 11:00 ok']);
      expect(await tickAt(at('12:05'))).toEqual(['hourly 12:00 ok']);
      expect(hourly.ran.map(hhmm)).toEqual(['10:00', '11:00', '12:00']);
      const runs = await listScheduleRuns(t.store, 'hourly');
      expect(runs.map((r) => [hhmm(r.dueTime), r.status, r.message])).toEqual([
        ['12:00', 'ok', ''],
        ['11:00', 'ok', ''],
        ['10:00', 'ok', ''],
        ['09:00', 'skipped', 'first seen: a new schedule starts at its next due time'],
      ]);
      expect(runs[0]).toMatchObject({ schedule: 'hourly', startedTime: at('12:05'), finishedTime: at('12:05') });
    });

    it('after a 5-hour downtime runs only the latest missed due time, once', async () => {
      const hourly = recording('hourly', '0 * * * *');
      const scheduler = createScheduler({ store: t.store, schedules: [hourly], now: () => clock });
      await scheduler.tick((clock = at('09:10')));
      await scheduler.tick((clock = at('10:00')));
      // Down from 10:01 to 15:30: 11:00, 12:00, 13:00, 14:00 and 15:00 were missed.
      const back = await scheduler.tick((clock = at('15:30')));
      expect(back).toEqual([{ schedule: 'hourly', due: at('15:00'), outcome: 'ok', missed: 4 }]);
      expect(outcomes(await scheduler.tick((clock = at('15:45'))))).toEqual(['hourly 15:00 recorded']);
      expect(outcomes(await scheduler.tick((clock = at('16:00'))))).toEqual(['hourly 16:00 ok']);
      expect(hourly.ran.map(hhmm)).toEqual(['10:00', '15:00', '16:00']);
      const runs = await listScheduleRuns(t.store, 'hourly');
      expect(runs.map((r) => [hhmm(r.dueTime), r.status])).toEqual([['16:00', 'ok'], ['15:00', 'ok'], ['10:00', 'ok'], ['09:00', 'skipped']]);
      expect(runs[1]?.message).toBe('caught up: 4 earlier due time(s) after 2025-03-10T10:00:00.000Z were not run');
      // A fresh scheduler (a restarted process) sees the same history and does not re-run anything.
      const restarted = recording('hourly', '0 * * * *');
      const again = createScheduler({ store: t.store, schedules: [restarted], now: () => clock });
      expect(outcomes(await again.tick(at('16:30')))).toEqual(['hourly 16:00 recorded']);
      expect(restarted.ran).toEqual([]);
    });

    it('two schedulers on one store (two connections) never double-run a due time', async () => {
      const opened = await openDatabase(t.database.url);
      const other: Store = { ...t.store, db: opened.db, sqlite: opened.sqlite, close: () => opened.close() };
      try {
        const ran: string[] = [];
        const schedule = (who: string): Schedule => ({ name: 'every-15', cron: '*/15 * * * *', run: async (due) => void ran.push(`${who} ${hhmm(due)}`) });
        const a = createScheduler({ store: t.store, schedules: [schedule('a')], now: () => clock });
        const b = createScheduler({ store: other, schedules: [schedule('b')], now: () => clock });
        // First sight: one records 08:00 as skipped; the other does the same or finds it recorded.
        clock = at('08:00') + 1000;
        const firstSight = (await Promise.all([a.tick(clock), b.tick(clock)])).flat().map((r) => r.outcome);
        expect(firstSight).toContain('first_seen');
        expect(firstSight.every((o) => o === 'first_seen' || o === 'recorded')).toBe(true);
        const seen: string[] = [];
        for (let i = 1; i < 12; i++) {
          clock = at('08:00') + i * 15 * 60_000 + 1000;
          const results = await Promise.all([a.tick(clock), b.tick(clock)]);
          seen.push(...results.flat().map((r) => r.outcome));
        }
        const dues = ran.map((r) => r.slice(2));
        expect(dues).toEqual(Array.from({ length: 11 }, (_, i) => hhmm(at('08:15') + i * 15 * 60_000)));
        expect(new Set(dues).size).toBe(dues.length);
        // Both raced for the claim: each due time was won once and lost (or found recorded) once.
        expect(seen.filter((o) => o === 'ok')).toHaveLength(11);
        expect(seen.filter((o) => o === 'claimed_elsewhere' || o === 'recorded')).toHaveLength(11);
        expect(seen).toContain('claimed_elsewhere'); // the insert decided at least one race
        expect((await listScheduleRuns(t.store, 'every-15')).every((r) => r.status === 'ok' || r.status === 'skipped')).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('records a failing run as failed and keeps running the others', async () => {
      const bad = recording('bad', '0 * * * *', (due) => due === at('10:00'));
      const good = recording('good', '0 * * * *');
      const scheduler = createScheduler({ store: t.store, schedules: [bad, good], now: () => clock });
      await scheduler.tick((clock = at('09:30')));
      const results = await scheduler.tick((clock = at('10:00')));
      expect(results).toEqual([
        { schedule: 'bad', due: at('10:00'), outcome: 'failed', missed: 0, error: 'no data for 10:00' },
        { schedule: 'good', due: at('10:00'), outcome: 'ok', missed: 0 },
      ]);
      expect(outcomes(await scheduler.tick((clock = at('11:00'))))).toEqual(['bad 11:00 ok', 'good 11:00 ok']);
      expect(outcomes(await scheduler.tick((clock = at('11:30'))))).toEqual(['bad 11:00 recorded', 'good 11:00 recorded']); // a failure is not retried
      expect((await listScheduleRuns(t.store, 'bad')).map((r) => [hhmm(r.dueTime), r.status, r.message])).toEqual([
        ['11:00', 'ok', ''],
        ['10:00', 'failed', 'no data for 10:00'],
        ['09:00', 'skipped', 'first seen: a new schedule starts at its next due time'],
      ]);
      expect(good.ran.map(hhmm)).toEqual(['10:00', '11:00']);
    });

    it('does not start a schedule again while its run is in flight, then catches up the latest', async () => {
      let release: () => void = () => undefined;
      const ran: number[] = [];
      const slow: Schedule = {
        name: 'slow', cron: '*/10 * * * *',
        run: (due) => {
          ran.push(due);
          return ran.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
        },
      };
      const scheduler = createScheduler({ store: t.store, schedules: [slow], now: () => clock });
      await scheduler.tick((clock = at('10:05')));
      const first = scheduler.tick((clock = at('10:10')));
      await until(() => ran.length === 1);
      expect(outcomes(await scheduler.tick((clock = at('10:20'))))).toEqual(['slow 10:20 busy']);
      expect(outcomes(await scheduler.tick((clock = at('10:30'))))).toEqual(['slow 10:30 busy']);
      release();
      expect(outcomes(await first)).toEqual(['slow 10:10 ok']);
      expect(await scheduler.tick((clock = at('10:35')))).toEqual([{ schedule: 'slow', due: at('10:30'), outcome: 'ok', missed: 1 }]);
      expect(ran.map(hhmm)).toEqual(['10:10', '10:30']);
    });

    it('marks a run left running by a dead process as failed, and does not re-run it', async () => {
      const hourly = recording('hourly', '0 * * * *');
      await t.store.db.insertInto('schedule_runs').values([
        { schedule: 'hourly', due_time: at('08:00'), started_time: at('08:00'), finished_time: at('08:00'), status: 'ok', message: '' },
        { schedule: 'hourly', due_time: at('09:00'), started_time: at('09:00'), finished_time: null, status: 'running', message: '' },
      ]).execute();
      const scheduler = createScheduler({ store: t.store, schedules: [hourly], now: () => clock, abandonAfterMs: 3_600_000 });
      expect(outcomes(await scheduler.tick((clock = at('09:30'))))).toEqual(['hourly 09:00 recorded']);
      expect((await listScheduleRuns(t.store, 'hourly'))[0]?.status).toBe('running'); // not yet an hour
      expect(outcomes(await scheduler.tick((clock = at('09:59'))))).toEqual(['hourly 09:00 recorded']);
      clock = at('10:00') + 1;
      expect(outcomes(await scheduler.tick(clock))).toEqual(['hourly 10:00 ok']);
      const runs = await listScheduleRuns(t.store, 'hourly');
      expect(runs.map((r) => [hhmm(r.dueTime), r.status])).toEqual([['10:00', 'ok'], ['09:00', 'failed'], ['08:00', 'ok']]);
      expect(runs[1]?.message).toBe("abandoned: still 'running' after 1 h (its process stopped?); not re-run");
      expect(hourly.ran.map(hhmm)).toEqual(['10:00']);
    });
  });
}

describe('scheduler timer', () => {
  const sqlite = BACKENDS.find((b) => b.name === 'sqlite') ?? (BACKENDS[0] as (typeof BACKENDS)[number]);
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore(sqlite);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('ticks at start, then sleeps until the next due time (unref’d), and stop waits for runs in flight', async () => {
    let clock = at('09:59:30');
    const armed: { fn: () => void; ms: number; unref: boolean }[] = [];
    const cleared: unknown[] = [];
    const timers = {
      setTimeout(fn: () => void, ms: number) {
        const handle = { fn, ms, unref: false };
        armed.push(handle);
        return { unref: () => void (handle.unref = true) };
      },
      clearTimeout: (h: unknown) => void cleared.push(h),
    };
    let release: () => void = () => undefined;
    const ran: string[] = [];
    const hourly: Schedule = {
      name: 'h', cron: '0 * * * *',
      run: (due) => {
        ran.push(hhmm(due));
        return new Promise<void>((r) => (release = r));
      },
    };
    const quarter: Schedule = { name: 'q', cron: '*/15 * * * *', run: async (due) => void ran.push(`q ${hhmm(due)}`) };
    const scheduler = createScheduler({ store: t.store, schedules: [hourly, quarter], now: () => clock, timers });
    scheduler.start();
    expect(armed.map((a) => [a.ms, a.unref])).toEqual([[30_000, true]]); // 10:00 is the nearest due time
    // The start tick: both schedules first seen.
    await until(async () => (await listScheduleRuns(t.store, 'q')).length === 1 && (await listScheduleRuns(t.store, 'h')).length === 1);
    expect((await listScheduleRuns(t.store, 'h')).map((r) => r.status)).toEqual(['skipped']);
    clock = at('10:00:00');
    armed[0]?.fn();
    expect(armed.map((a) => a.ms)).toEqual([30_000, 15 * 60_000]); // then 10:15
    await until(() => ran.length === 2);
    expect(ran).toEqual(['10:00', 'q 10:00']);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false); // the hourly run is still in flight
    expect(cleared).toHaveLength(1);
    release();
    await stopping;
    expect((await listScheduleRuns(t.store, 'h'))[0]?.status).toBe('ok');
  });

  it('catches up a due time that came during a long run as soon as the run ends', async () => {
    let clock = at('09:30');
    const timers = { setTimeout: () => ({}), clearTimeout: () => undefined };
    const releases: (() => void)[] = [];
    const ran: string[] = [];
    const hourly: Schedule = {
      name: 'h', cron: '0 * * * *',
      run: (due) => {
        ran.push(hhmm(due));
        return new Promise<void>((r) => releases.push(r));
      },
    };
    const scheduler = createScheduler({ store: t.store, schedules: [hourly], now: () => clock, timers });
    scheduler.start();
    await until(async () => (await listScheduleRuns(t.store, 'h')).length === 1);
    clock = at('10:00');
    const tenOClock = scheduler.tick();
    await until(() => ran.length === 1);
    clock = at('11:00');
    expect(outcomes(await scheduler.tick())).toEqual(['h 11:00 busy']);
    clock = at('11:10');
    releases[0]?.();
    await tenOClock;
    await until(() => ran.length === 2);
    expect(ran).toEqual(['10:00', '11:00']); // not left for the 12:00 timer
    releases[1]?.();
    await scheduler.stop();
    expect((await listScheduleRuns(t.store, 'h')).map((r) => [hhmm(r.dueTime), r.status])).toEqual([['11:00', 'ok'], ['10:00', 'ok'], ['09:00', 'skipped']]);
  });

  it('starts and stops with real timers', async () => {
    const scheduler = createScheduler({ store: t.store, schedules: [{ name: 'r', cron: '* * * * *', run: async () => undefined }] });
    scheduler.start();
    scheduler.start(); // idempotent
    await scheduler.stop();
    expect((await listScheduleRuns(t.store, 'r')).map((r) => r.status)).toEqual(['skipped']);
  });

  it('refuses duplicate names and bad cron expressions', () => {
    const run = async () => undefined;
    expect(() => createScheduler({ store: t.store, schedules: [{ name: 'x', cron: '@daily', run }, { name: 'x', cron: '@hourly', run }] })).toThrow(
      "schedule name 'x' is used twice: names must be unique",
    );
    expect(() => createScheduler({ store: t.store, schedules: [{ name: 'y', cron: '0 25 * * *', run }] })).toThrow("cron '0 25 * * *': hour field '25': 25 is out of range 0-23");
  });
});
