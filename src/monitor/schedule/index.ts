export type { CronSchedule } from './cron.js';
export { parseCron } from './cron.js';
export type {
  ListScheduleRunsOptions, Schedule, Scheduler, SchedulerLogger, SchedulerOptions, ScheduleRun, ScheduleRunStatus, TickOutcome, TickResult,
} from './scheduler.js';
export { createScheduler, listScheduleRuns } from './scheduler.js';
