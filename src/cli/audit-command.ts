import type { Command } from 'commander';
import { formatTime, printJson, printTable } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { withOps } from './with-store.js';

export function auditCommand(program: Command): void {
  const cmd = program.command('audit').description('the append-only audit trail');
  cmd.command('list')
    .description('newest entries first')
    .option('--subject <id>', "a subject id, e.g. a run id, 'model' (and its versions) or 'model/3'")
    .option('--type <type>', 'experiment | run | model | model_version')
    .option('--actor <user>', 'only this actor')
    .option('--action <prefix>', "only actions starting with this, e.g. 'model.alias'")
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON: {"entries": [{"id", "time", "actor", "action", "subject_type", "subject_id", "before", "after", "reason"}]}')
    .action(async (o: { subject?: string; type?: string; actor?: string; action?: string; limit: string; json?: boolean }) => {
      const entries = await withOps((ops) => ops.listAudit({
        limit: parsePositiveInt('--limit', o.limit),
        ...(o.subject ? { subject: o.subject } : {}), ...(o.type ? { subjectType: o.type } : {}),
        ...(o.actor ? { actor: o.actor } : {}), ...(o.action ? { action: o.action } : {}),
      }));
      if (o.json) return printJson({ entries });
      printTable(['ID', 'WHEN', 'ACTOR', 'ACTION', 'SUBJECT', 'CHANGE', 'REASON'], entries.map((e) => [
        String(e.id), formatTime(e.time), e.actor, e.action, `${e.subject_type}:${e.subject_id}`, describeChange(e.before, e.after), e.reason,
      ]));
    });
}

function describeChange(before: unknown, after: unknown): string {
  const b = before === null ? '' : JSON.stringify(before);
  const a = after === null ? '' : JSON.stringify(after);
  const text = b && a ? `${b} -> ${a}` : a || b;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
