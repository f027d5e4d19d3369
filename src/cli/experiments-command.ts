import type { Command } from 'commander';
import type { Experiment, TrackingClient } from '../tracking/index.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';
import { withTracking } from './with-store.js';

/** An experiment named by id (digits) or by name. */
export async function resolveExperiment(tracking: TrackingClient, ref: string): Promise<Experiment> {
  return /^\d+$/.test(ref) ? tracking.getExperiment(ref) : tracking.getExperimentByName(ref);
}

export function experimentsCommand(program: Command): void {
  const cmd = program.command('experiments').description('create, list and delete experiments');

  cmd.command('list')
    .description('list experiments')
    .option('--all', 'include deleted experiments')
    .option('--deleted', 'only deleted experiments')
    .option('--json', 'print JSON: {"experiments": [Experiment]}')
    .action(async (o: { all?: boolean; deleted?: boolean; json?: boolean }) => {
      const experiments = await withTracking((t) => t.listExperiments({ viewType: o.deleted ? 'DELETED_ONLY' : o.all ? 'ALL' : 'ACTIVE_ONLY' }));
      if (o.json) return printJson({ experiments });
      printTable(['ID', 'NAME', 'STAGE', 'CREATED'], experiments.map((e) => [e.experiment_id, e.name, e.lifecycle_stage, formatTime(e.creation_time)]));
    });

  cmd.command('create <name>')
    .description('create an experiment')
    .option('--tag <key=value>', 'tag (repeatable)', collect, [])
    .option('--json', 'print JSON: {"experiment": Experiment}')
    .action(async (name: string, o: { tag: string[]; json?: boolean }) => {
      const tags = o.tag.map((t) => parseKeyValue('--tag', t));
      const experiment = await withTracking((t) => t.createExperiment(name, { tags }));
      if (o.json) return printJson({ experiment });
      printLine(`Created experiment '${experiment.name}' with id ${experiment.experiment_id}.`);
    });

  cmd.command('delete <id-or-name>')
    .description('mark an experiment and its runs deleted (restorable)')
    .option('--reason <text>', 'why, for the audit log', '')
    .option('--json', 'print JSON: {"experiment_id", "lifecycle_stage"}')
    .action(async (ref: string, o: { reason: string; json?: boolean }) => {
      const id = await withTracking(async (t) => {
        const e = await resolveExperiment(t, ref);
        await t.deleteExperiment(e.experiment_id, o.reason);
        return e.experiment_id;
      });
      if (o.json) return printJson({ experiment_id: id, lifecycle_stage: 'deleted' });
      printLine(`Deleted experiment ${id}.`);
    });

  cmd.command('restore <id-or-name>')
    .description('restore a deleted experiment and its runs')
    .option('--json', 'print JSON: {"experiment_id", "lifecycle_stage"}')
    .action(async (ref: string, o: { json?: boolean }) => {
      const id = await withTracking(async (t) => {
        const e = await resolveExperiment(t, ref);
        await t.restoreExperiment(e.experiment_id);
        return e.experiment_id;
      });
      if (o.json) return printJson({ experiment_id: id, lifecycle_stage: 'active' });
      printLine(`Restored experiment ${id}.`);
    });
}
