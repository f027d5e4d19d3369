import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { type CanaryLimits, type Deployment, refLabel, STRATEGIES, type Strategy } from '../serve/index.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { withOps } from './with-store.js';

interface DeployFlags {
  model: string;
  strategy: string;
  percent?: string;
  keyHeader?: string;
  smoke?: string;
  skipSmoke?: boolean;
  minRequests?: string;
  maxErrorRate?: string;
  maxLatencyRatio?: string;
  promoteAfter?: string;
  reason?: string;
  json?: boolean;
}

/** `slipway deploy`, `slipway rollback` and `slipway deployments ...`: deployments as stored state servers follow. */
export function deployCommands(program: Command): void {
  program.command('deploy')
    .description('roll a model version out to a deployment (servers following it switch without a restart)')
    .argument('<name>', 'deployment name (lowercase letters, digits, -)')
    .requiredOption('--model <uri>', 'models:/NAME/VERSION or models:/NAME@ALIAS')
    .option('--strategy <s>', `${STRATEGIES.join(' | ')}`, 'bluegreen')
    .option('--percent <n>', 'canary / A-B: share of requests to the new version; shadow: share mirrored (default 10; shadow 100)')
    .option('--key-header <header>', 'header whose value keeps a caller on one side of the split', 'x-slipway-key')
    .option('--smoke <file>', "smoke test file (JSON cases with expected predictions); default: the model's evaluation sample")
    .option('--skip-smoke', 'deploy without a smoke test')
    .option('--min-requests <n>', 'canary: requests before it is judged (default 100)')
    .option('--max-error-rate <r>', 'canary: rolled back above this error rate, 0..1 (default 0.01)')
    .option('--max-latency-ratio <x>', "canary: rolled back when its p95 latency exceeds this × stable's (default 2)")
    .option('--promote-after <n>', 'canary: promoted after this many requests within limits (default 1000)')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print the deployment as JSON')
    .action(async (name: string, o: DeployFlags) => {
      if (!(STRATEGIES as readonly string[]).includes(o.strategy)) throw invalid(`--strategy must be one of ${STRATEGIES.join(', ')}, got '${o.strategy}'.`);
      if (o.smoke && o.skipSmoke) throw invalid('--smoke and --skip-smoke contradict each other; give one.');
      const strategy = o.strategy as Strategy;
      if (strategy === 'bluegreen' && o.percent !== undefined) throw invalid('--percent applies to canary, shadow and ab; blue/green switches all traffic.');
      const percent = o.percent === undefined ? undefined : parseNumber('--percent', o.percent, 0, 100);
      const limits: Partial<CanaryLimits> = {
        ...(o.minRequests ? { minRequests: parsePositiveInt('--min-requests', o.minRequests) } : {}),
        ...(o.maxErrorRate ? { maxErrorRate: parseNumber('--max-error-rate', o.maxErrorRate, 0, 1) } : {}),
        ...(o.maxLatencyRatio ? { maxLatencyRatio: parseNumber('--max-latency-ratio', o.maxLatencyRatio, 1, Number.MAX_VALUE) } : {}),
        ...(o.promoteAfter ? { promoteAfter: parsePositiveInt('--promote-after', o.promoteAfter) } : {}),
      };
      const result = await withOps((ops) => ops.deploy(name, {
        uri: o.model, strategy, limits, ...(percent === undefined ? {} : { percent }), ...(o.keyHeader ? { keyHeader: o.keyHeader } : {}),
        ...(o.smoke ? { smokeFile: o.smoke } : {}), ...(o.skipSmoke ? { skipSmoke: true } : {}), ...(o.reason ? { reason: o.reason } : {}),
      }));
      if (o.json) return printJson({ deployment: toJson(result.deployment), smoke: result.smoke ?? null });
      if (result.smoke) printLine(`Smoke test passed: ${result.smoke.rows} rows (${result.smoke.source === 'file' ? o.smoke : 'evaluation sample'}).`);
      printLine(`${name} revision ${result.deployment.revision}: ${result.deployment.statusMessage}.`);
    });

  program.command('rollback')
    .description('undo the last rollout: drop a canary/shadow/A-B candidate, or swap back to the previous (warm) version')
    .argument('<name>', 'deployment name')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print the deployment as JSON')
    .action(async (name: string, o: { reason?: string; json?: boolean }) => {
      const d = await withOps((ops) => ops.rollback(name, o.reason));
      if (o.json) return printJson({ deployment: toJson(d) });
      printLine(`${name} revision ${d.revision}: ${d.statusMessage}.`);
    });

  const cmd = program.command('deployments').description('deployments: what is served, the traffic split, and history');
  cmd.command('list')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await withOps((ops) => ops.listDeployments());
      if (o.json) return printJson({ deployments: all.map(toJson) });
      printTable(['NAME', 'REV', 'STATUS', 'STABLE', 'CANDIDATE', 'STANDBY', 'UPDATED'], all.map((d) => [
        d.name, String(d.revision), d.status, refLabel(d.spec.stable),
        d.spec.candidate ? `${refLabel(d.spec.candidate.ref)} (${d.spec.candidate.strategy} ${d.spec.candidate.percent}%)` : '',
        d.spec.standby ? refLabel(d.spec.standby) : '', formatTime(d.updatedTime),
      ]));
    });
  cmd.command('show')
    .argument('<name>', 'deployment name')
    .option('--json', 'print JSON (with the revision history)')
    .action(async (name: string, o: { json?: boolean }) => {
      const { deployment: d, history } = await withOps((ops) => ops.getDeployment(name));
      if (o.json) return printJson({ deployment: toJson(d), history });
      printLine(`${d.name}  revision ${d.revision}  ${d.status}: ${d.statusMessage}`);
      printLine(`  stable   ${refLabel(d.spec.stable)}`);
      if (d.spec.candidate) {
        const c = d.spec.candidate;
        printLine(`  ${c.strategy.padEnd(8)} ${refLabel(c.ref)}  ${c.percent}%${c.strategy === 'shadow' ? ' mirrored' : ''}, key header ${c.keyHeader}`);
        if (c.strategy === 'canary') {
          printLine(`           judged after ${c.limits.minRequests} requests; rollback above ${c.limits.maxErrorRate * 100}% errors or ${c.limits.maxLatencyRatio}× p95; promote after ${c.limits.promoteAfter}`);
        }
      }
      if (d.spec.standby) printLine(`  standby  ${refLabel(d.spec.standby)} (warm, for rollback)`);
      if (d.spec.smoke) printLine(`  smoke    ${d.spec.smoke.rows} rows (${d.spec.smoke.source}) checked ${refLabel(d.spec.smoke.ref)}`);
      printLine();
      printTable(['REV', 'WHEN', 'ACTION', 'ACTOR', 'STATUS', 'REASON'], history.map((h) => [
        String(h.revision), formatTime(h.time), h.action, h.actor, h.status, h.reason,
      ]));
    });
  cmd.command('promote')
    .description('make the candidate (canary, shadow or A/B) the stable version now')
    .argument('<name>', 'deployment name')
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { reason?: string; json?: boolean }) => {
      const d = await withOps((ops) => ops.promoteCandidate(name, o.reason));
      if (o.json) return printJson({ deployment: toJson(d) });
      printLine(`${name} revision ${d.revision}: ${d.statusMessage}.`);
    });
}

function parseNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw invalid(`${flag} expects a number in ${min}..${max === Number.MAX_VALUE ? '∞' : max}, got '${text}'.`);
  return n;
}

function toJson(d: Deployment) {
  return { name: d.name, revision: d.revision, status: d.status, status_message: d.statusMessage, spec: d.spec, created_time: d.createdTime, updated_time: d.updatedTime };
}
