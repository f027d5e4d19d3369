import type { Command } from 'commander';
import { invalid } from '../errors.js';
import {
  type ModelVersion, approveVersion, createModelVersion, createRegisteredModel, deleteAlias, getModelVersion,
  getRegisteredModel, hasRegisteredModel, listApprovals, listBlessings, listRegisteredModels, modelHistory, promote, searchModelVersions,
  setAlias, aliasPolicyFromConfig, modelCard,
} from '../registry/index.js';
import { projectRegistrySection } from './project-registry.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { collect, parseKeyValue } from './parse-args.js';
import { withStore } from './with-store.js';

export function modelsCommand(program: Command): void {
  const cmd = program.command('models').description('the model registry: versions, aliases, approvals, history');

  cmd.command('list')
    .description('list registered models')
    .option('--json', 'print JSON: {"registered_models": [RegisteredModel]}')
    .action(async (o: { json?: boolean }) => {
      const models = await withStore((s) => listRegisteredModels(s));
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
      await withStore(async (s) => {
        if (version !== undefined) {
          const mv = await getModelVersion(s, name, version);
          const approvals = await listApprovals(s, name, version);
          if (o.json) return printJson({ model_version: mv, approvals });
          printVersion(mv);
          if (approvals.length) {
            printLine('\nApprovals');
            printTable(['FOR', 'DECISION', 'BY', 'WHEN', 'COMMENT'], approvals.map((a) => [a.target, a.decision, a.approver, formatTime(a.time), a.comment]));
          }
          return;
        }
        const model = await getRegisteredModel(s, name);
        const versions = await searchModelVersions(s, { name });
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
      const mv = await withStore(async (s) => {
        if (!(await hasRegisteredModel(s, name))) await createRegisteredModel(s, name).catch((e) => { if (e?.code !== 'RESOURCE_ALREADY_EXISTS') throw e; });
        return createModelVersion(s, name, {
          source: o.source, tags, ...(o.run ? { runId: o.run } : {}), ...(o.description ? { description: o.description } : {}),
        });
      });
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
        await withStore((s) => deleteAlias(s, name, alias, { reason: o.reason }));
        if (o.json) return printJson({ name, alias, version: null });
        return printLine(`Removed alias @${alias} from ${name}.`);
      }
      if (version === undefined) throw invalid('Give the version the alias should point at, or --delete.');
      const mv = await withStore((s) => setAlias(s, name, alias, version, { reason: o.reason }));
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
      const approval = await withStore((s) => approveVersion(s, name, version, { target: o.for, decision: o.reject ? 'rejected' : 'approved', comment: o.comment }));
      if (o.json) return printJson({ approval });
      printLine(`${approval.approver} ${approval.decision} ${name} version ${version} for @${approval.target}.`);
    });

  cmd.command('promote <name> <version>')
    .description("move an alias to a version if the alias's policy is met (a passed gate; an approval where slipway.yaml requires one)")
    .requiredOption('--to <alias>', 'the alias, e.g. production')
    .option('-r, --reason <text>', 'why, for the history and audit log', '')
    .option('--json', 'print JSON: {"name", "alias", "version"}')
    .action(async (name: string, version: string, o: { to: string; reason: string; json?: boolean }) => {
      const policy = aliasPolicyFromConfig(await projectRegistrySection(), o.to);
      const mv = await withStore((s) => promote(s, name, version, o.to, { reason: o.reason, policy }));
      if (o.json) return printJson({ name, alias: o.to, version: mv.version });
      printLine(`${name}@${o.to} -> version ${mv.version}.`);
    });

  cmd.command('card <name> <version>')
    .description('a model card (Markdown): lineage, metrics, fairness, gate results, approvals, alias history')
    .option('--json', 'print JSON: {"name", "version", "markdown"}')
    .action(async (name: string, version: string, o: { json?: boolean }) => {
      const markdown = await withStore((s) => modelCard(s, name, version));
      if (o.json) return printJson({ name, version, markdown });
      process.stdout.write(markdown);
    });

  cmd.command('blessings <name> [version]')
    .description('gate verdicts recorded on a model (or one version)')
    .option('--json', 'print JSON: {"blessings": [{id, name, version, target, baseline_version, passed, rules, run_id, actor, time}]}')
    .action(async (name: string, version: string | undefined, o: { json?: boolean }) => {
      const blessings = await withStore((s) => listBlessings(s, name, version));
      if (o.json) return printJson({ blessings });
      printTable(['VERSION', 'FOR', 'PASSED', 'BASELINE', 'BY', 'WHEN'], blessings.map((b) => [b.version, b.target, b.passed ? 'yes' : 'no', b.baseline_version ?? '-', b.actor, formatTime(b.time)]));
    });

  cmd.command('history <name>')
    .description('which version held which alias or stage, when, who moved it and why')
    .option('--alias <alias>', 'only this alias or stage')
    .option('--json', 'print JSON: {"history": [ModelTransition]}')
    .action(async (name: string, o: { alias?: string; json?: boolean }) => {
      const history = await withStore(async (s) => {
        await getRegisteredModel(s, name);
        return modelHistory(s, name, o.alias ? { target: o.alias } : {});
      });
      if (o.json) return printJson({ history });
      printTable(['WHEN', 'KIND', 'TARGET', 'VERSION', 'PREVIOUS', 'BY', 'REASON'], history.map((h) => [
        formatTime(h.time), h.kind, h.target, h.version ?? '(removed)', h.previous_version ?? '', h.actor, h.reason,
      ]));
    });
}

/** slipway.yaml's `registry:` section when the command runs inside a project, else undefined. */

function printVersion(v: ModelVersion): void {
  printLine(`${v.name} version ${v.version}${v.aliases.length ? ` (@${v.aliases.join(', @')})` : ''}`);
  printLine(`  status ${v.status}, stage ${v.current_stage}, by ${v.user_id}, ${formatTime(v.creation_timestamp)}`);
  printLine(`  source ${v.source}`);
  if (v.run_id) printLine(`  run ${v.run_id}`);
  printLine(`  blob sha256:${v.blob.hash} (${v.blob.kind}, ${v.blob.size} bytes)`);
  if (v.description) printLine(`  ${v.description}`);
  for (const t of v.tags) printLine(`  tag ${t.key}=${t.value}`);
}
