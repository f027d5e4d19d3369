import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { type ModelVersion, aliasPolicyFromConfig } from '../registry/index.js';
import { projectRegistrySection } from './project-registry.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';
import { withOps } from './with-store.js';

export function modelsCommand(program: Command): void {
  const cmd = program.command('models').description('the model registry: versions, aliases, approvals, history');

  cmd.command('list')
    .description('list registered models')
    .option('--json', 'print JSON: {"registered_models": [RegisteredModel]}')
    .action(async (o: { json?: boolean }) => {
      const models = await withOps((ops) => ops.listModels());
      if (o.json) return printJson({ registered_models: models });
      printTable(['NAME', 'VERSIONS', 'ALIASES', 'UPDATED'], models.map((m) => [
        m.name, String(Math.max(0, ...m.latest_versions.map((v) => Number(v.version)))),
        m.aliases.map((a) => `${a.alias}=v${a.version}`).join(' '), formatTime(m.last_updated_timestamp),
      ]));
    });

  cmd.command('show <name> [version]')
    .description('show a model and its versions, or one version')
    .option('--json', 'print JSON: {"registered_model", "model_versions"} or {"model_version", "approvals"}')
    .action(async (name: string, version: string | undefined, o: { json?: boolean }) => {
      await withOps(async (ops) => {
        if (version !== undefined) {
          const { model_version: mv, approvals } = await ops.getVersion(name, version);
          if (o.json) return printJson({ model_version: mv, approvals });
          printVersion(mv);
          if (approvals.length) {
            printLine('\nApprovals');
            printTable(['FOR', 'DECISION', 'BY', 'WHEN', 'COMMENT'], approvals.map((a) => [a.target, a.decision, a.approver, formatTime(a.time), a.comment]));
          }
          return;
        }
        const { registered_model: model, model_versions: versions } = await ops.getModel(name);
        if (o.json) return printJson({ registered_model: model, model_versions: versions });
        printLine(`Model ${model.name}${model.description ? `: ${model.description}` : ''}`);
        printTable(['VERSION', 'ALIASES', 'STAGE', 'RUN', 'BY', 'CREATED', 'SHA256'], versions.map((v) => [
          v.version, v.aliases.join(' '), v.current_stage, v.run_id, v.user_id, formatTime(v.creation_timestamp), v.blob.hash.slice(0, 12),
        ]));
      });
    });

  cmd.command('register <name>')
    .description('register a new model version (creates the model if needed)')
    .requiredOption('-s, --source <uri-or-path>', 'runs:/RUN_ID/PATH, or a local file or folder')
    .option('--run <run-id>', 'the run that produced it (implied by runs:/)')
    .option('-d, --description <text>', 'description')
    .option('--tag <key=value>', 'version tag (repeatable)', collect, [])
    .option('--json', 'print JSON: {"model_version": ModelVersion}')
    .action(async (name: string, o: { source: string; run?: string; description?: string; tag: string[]; json?: boolean }) => {
      const tags = o.tag.map((t) => parseKeyValue('--tag', t));
      const mv = await withOps((ops) => ops.registerVersion(name, {
        source: o.source, tags, ...(o.run ? { runId: o.run } : {}), ...(o.description ? { description: o.description } : {}),
      }));
      if (o.json) return printJson({ model_version: mv });
      printLine(`Registered ${mv.name} version ${mv.version} (sha256:${mv.blob.hash.slice(0, 12)}, ${mv.blob.size} bytes).`);
    });

  cmd.command('alias <name> <alias> [version]')
    .description('point an alias at a version, or remove it with --delete')
    .option('--delete', 'remove the alias')
    .option('-r, --reason <text>', 'why, for the history and audit log', '')
    .option('--json', 'print JSON: {"name", "alias", "version"}')
    .action(async (name: string, alias: string, version: string | undefined, o: { delete?: boolean; reason: string; json?: boolean }) => {
      if (o.delete) {
        await withOps((ops) => ops.deleteAlias(name, alias, o.reason));
        if (o.json) return printJson({ name, alias, version: null });
        return printLine(`Removed alias @${alias} from ${name}.`);
      }
      if (version === undefined) throw invalid('Give the version the alias should point at, or --delete.');
      const mv = await withOps((ops) => ops.setAlias(name, alias, version, o.reason));
      if (o.json) return printJson({ name, alias, version: mv.version });
      printLine(`${name}@${alias} -> version ${mv.version}.`);
    });

  cmd.command('approve <name> <version>')
    .description('approve (or --reject) a version for an alias; the author cannot approve their own')
    .option('--for <alias>', 'what the approval is for', 'production')
    .option('--reject', 'record a rejection instead')
    .option('-c, --comment <text>', 'comment', '')
    .option('--json', 'print JSON: {"approval": Approval}')
    .action(async (name: string, version: string, o: { for: string; reject?: boolean; comment: string; json?: boolean }) => {
      const approval = await withOps((ops) => ops.approve(name, version, { target: o.for, decision: o.reject ? 'rejected' : 'approved', comment: o.comment }));
      if (o.json) return printJson({ approval });
      printLine(`${approval.approver} ${approval.decision} ${name} version ${version} for @${approval.target}.`);
    });

  cmd.command('promote <name> <version>')
    .description("move an alias to a version if the alias's policy is met (a passed gate; an approval where slipway.yaml requires one; a server applies its own)")
    .requiredOption('--to <alias>', 'the alias, e.g. production')
    .option('-r, --reason <text>', 'why, for the history and audit log', '')
    .option('--json', 'print JSON: {"name", "alias", "version"}')
    .action(async (name: string, version: string, o: { to: string; reason: string; json?: boolean }) => {
      const mv = await withOps(async (ops) => {
        // A server applies the policies of its own slipway.yaml; the project's apply to the local store.
        if (ops.remote) {
          if (await projectNamesAlias(o.to)) process.stderr.write(`slipway: note: slipway.yaml's policy for @${o.to} is not used: ${ops.description} applies its own.\n`);
          return ops.promote(name, version, o.to, { reason: o.reason, policy: {} });
        }
        return ops.promote(name, version, o.to, { reason: o.reason, policy: aliasPolicyFromConfig(await projectRegistrySection(), o.to) });
      });
      if (o.json) return printJson({ name, alias: o.to, version: mv.version });
      printLine(`${name}@${o.to} -> version ${mv.version}.`);
    });

  cmd.command('card <name> <version>')
    .description('a model card (Markdown): lineage, metrics, fairness, gate results, approvals, alias history')
    .option('--json', 'print JSON: {"name", "version", "markdown"}')
    .action(async (name: string, version: string, o: { json?: boolean }) => {
      const markdown = await withOps((ops) => ops.modelCard(name, version));
      if (o.json) return printJson({ name, version, markdown });
      process.stdout.write(markdown);
    });

  cmd.command('blessings <name> [version]')
    .description('gate verdicts recorded on a model (or one version)')
    .option('--json', 'print JSON: {"blessings": [{id, name, version, target, baseline_version, passed, rules, run_id, actor, time}]}')
    .action(async (name: string, version: string | undefined, o: { json?: boolean }) => {
      const blessings = await withOps((ops) => ops.listBlessings(name, version));
      if (o.json) return printJson({ blessings });
      printTable(['VERSION', 'FOR', 'PASSED', 'BASELINE', 'BY', 'WHEN'], blessings.map((b) => [b.version, b.target, b.passed ? 'yes' : 'no', b.baseline_version ?? '-', b.actor, formatTime(b.time)]));
    });

  cmd.command('history <name>')
    .description('which version held which alias or stage, when, who moved it and why')
    .option('--alias <alias>', 'only this alias or stage')
    .option('--json', 'print JSON: {"history": [ModelTransition]}')
    .action(async (name: string, o: { alias?: string; json?: boolean }) => {
      const history = await withOps((ops) => ops.modelHistory(name, o.alias));
      if (o.json) return printJson({ history });
      printTable(['WHEN', 'KIND', 'TARGET', 'VERSION', 'PREVIOUS', 'BY', 'REASON'], history.map((h) => [
        formatTime(h.time), h.kind, h.target, h.version ?? '(removed)', h.previous_version ?? '', h.actor, h.reason,
      ]));
    });
}

/** Whether the project's slipway.yaml (if any, and readable) has a policy for `alias`. */
async function projectNamesAlias(alias: string): Promise<boolean> {
  const section = await projectRegistrySection().catch(() => undefined);
  const aliases = (section as { aliases?: Record<string, unknown> } | undefined)?.aliases;
  return aliases !== undefined && Object.hasOwn(aliases, alias);
}

function printVersion(v: ModelVersion): void {
  printLine(`${v.name} version ${v.version}${v.aliases.length ? ` (@${v.aliases.join(', @')})` : ''}`);
  printLine(`  status ${v.status}, stage ${v.current_stage}, by ${v.user_id}, ${formatTime(v.creation_timestamp)}`);
  printLine(`  source ${v.source}`);
  if (v.run_id) printLine(`  run ${v.run_id}`);
  printLine(`  blob sha256:${v.blob.hash} (${v.blob.kind}, ${v.blob.size} bytes)`);
  if (v.description) printLine(`  ${v.description}`);
  for (const t of v.tags) printLine(`  tag ${t.key}=${t.value}`);
}
