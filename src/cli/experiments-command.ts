import type { Command } from 'commander';
import type { Store } from '../store/index.js';
import { type Experiment, createExperiment, deleteExperiment, getExperiment, getExperimentByName, listExperiments, restoreExperiment } from '../tracking/index.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';
import { withStore } from './with-store.js';

/** An experiment named by id (digits) or by name. */
export async function resolveExperiment(store: Store, ref: string): Promise<Experiment> {
  return /^\d+$/.test(ref) ? getExperiment(store, ref) : getExperimentByName(store, ref);
}

export function experimentsCommand(program: Command): void {
  const cmd = program.command('experiments').description('create, list and delete experiments');

  cmd.command('list')
    .description('list experiments')
    .option('--all', 'include deleted experiments')
    .option('--deleted', 'only deleted experiments')
    .option('--json', 'print JSON: {"experiments": [Experiment]}')
    .action(async (o: { all?: boolean; deleted?: boolean; json?: boolean }) => {
      const experiments = await withStore((s) => listExperiments(s, { viewType: o.deleted ? 'DELETED_ONLY' : o.all ? 'ALL' : 'ACTIVE_ONLY' }));
      if (o.json) return printJson({ experiments });
      printTable(['ID', 'NAME', 'STAGE', 'CREATED'], experiments.map((e) => [e.experiment_id, e.name, e.lifecycle_stage, formatTime(e.creation_time)]));
    });

  cmd.command('create <name>')
    .description('create an experiment')
    .option('--tag <key=value>', 'tag (repeatable)', collect, [])
    .option('--json', 'print JSON: {"experiment": Experiment}')
    .action(async (name: string, o: { tag: string[]; json?: boolean }) => {
      const tags = o.tag.map((t) => parseKeyValue('--tag', t));
      const experiment = await withStore((s) => createExperiment(s, name, { tags }));
      if (o.json) return printJson({ experiment });
      printLine(`Created experiment '${experiment.name}' with id ${experiment.experiment_id}.`);
    });

  cmd.command('delete <id-or-name>')
    .description('mark an experiment and its runs deleted (restorable)')
    .option('--reason <text>', 'why, for the audit log', '')
    .option('--json', 'print JSON: {"experiment_id", "lifecycle_stage"}')
    .action(async (ref: string, o: { reason: string; json?: boolean }) => {
      const id = await withStore(async (s) => {
        const e = await resolveExperiment(s, ref);
        await deleteExperiment(s, e.experiment_id, o.reason);
        return e.experiment_id;
      });
      if (o.json) return printJson({ experiment_id: id, lifecycle_stage: 'deleted' });
      printLine(`Deleted experiment ${id}.`);
    });

  cmd.command('restore <id-or-name>')
    .description('restore a deleted experiment and its runs')
    .option('--json', 'print JSON: {"experiment_id", "lifecycle_stage"}')
    .action(async (ref: string, o: { json?: boolean }) => {
      const id = await withStore(async (s) => {
        const e = await resolveExperiment(s, ref);
        await restoreExperiment(s, e.experiment_id);
        return e.experiment_id;
      });
      if (o.json) return printJson({ experiment_id: id, lifecycle_stage: 'active' });
      printLine(`Restored experiment ${id}.`);
    });
}
