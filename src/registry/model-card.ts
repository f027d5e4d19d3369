import type { Store } from '../store/index.js';
import { getRun, listChildRuns, type Run } from '../tracking/index.js';
import { listApprovals } from './approvals.js';
import { listBlessings } from './blessings.js';
import { modelHistory } from './history.js';
import { getModelVersion } from './versions.js';

/**
 * `slipway models card NAME VERSION`: everything a reviewer needs about one version, as Markdown:
 * what it is (bytes by hash), where it came from (run, pipeline, commit, data by hash, params), how it
 * scored (metrics, fairness), which gates it passed against which baseline, who approved it, and which
 * aliases it has held.
 */
export async function modelCard(store: Store, name: string, version: string | number): Promise<string> {
  const mv = await getModelVersion(store, name, version);
  const run = mv.run_id ? await getRun(store, mv.run_id).catch(() => undefined) : undefined;
  const parent = run?.info.parent_run_id ? await getRun(store, run.info.parent_run_id).catch(() => undefined) : undefined;
  const [blessings, approvals, history] = await Promise.all([
    listBlessings(store, name, mv.version), listApprovals(store, name, mv.version), modelHistory(store, name),
  ]);
  const lines: string[] = [];
  const iso = (t: number) => new Date(t).toISOString();
  lines.push(`# ${name} — version ${mv.version}`, '');
  if (mv.description) lines.push(mv.description, '');
  lines.push('| | |', '|---|---|');
  lines.push(`| registered | ${iso(mv.creation_timestamp)} by ${cell(mv.user_id)} |`);
  lines.push(`| aliases | ${mv.aliases.length ? mv.aliases.map((a) => `@${a}`).join(', ') : '—'} |`);
  lines.push(`| model bytes | sha256 \`${mv.blob.hash}\` (${mv.blob.kind}, ${mv.blob.size} bytes) |`);
  lines.push(`| source | ${cell(mv.source)} |`);
  for (const t of mv.tags) lines.push(`| tag ${cell(t.key)} | ${cell(t.value)} |`);
  lines.push('', '## Lineage', '');
  if (!run) lines.push('No training run is linked to this version.');
  else {
    lines.push(`- training run \`${run.info.run_id}\` (${cell(run.info.run_name)}), experiment ${run.info.experiment_id}, ${run.info.status}`);
    if (parent) lines.push(`- pipeline run \`${parent.info.run_id}\` (${cell(parent.info.run_name)})`);
    if (run.info.source_git_commit) {
      const dirty = run.data.tags.find((t) => t.key === 'slipway.git.dirty')?.value === 'true';
      lines.push(`- code: git commit \`${run.info.source_git_commit}\`${dirty ? ' (with uncommitted changes)' : ''}`);
    }
    const inputs = run.inputs.datasets.filter((d) => d.context !== 'output');
    if (inputs.length) {
      lines.push('', '| data | role | sha256 | size |', '|---|---|---|---|');
      for (const d of inputs) lines.push(`| ${cell(d.name)} | ${cell(d.context)} | \`${d.digest}\` | ${d.size ?? ''} |`);
    }
    if (run.data.params.length) {
      lines.push('', '| param | value |', '|---|---|');
      for (const p of run.data.params) lines.push(`| ${cell(p.key)} | ${cell(p.value)} |`);
    }
  }
  // A pipeline's evaluation lives on its sibling stage runs (evaluate, gate): they describe this model too.
  const siblings = parent ? await Promise.all((await listChildRuns(store, parent.info.run_id)).filter((c) => c.run_id !== run?.info.run_id).map((c) => getRun(store, c.run_id))) : [];
  const metrics = [...(run ? metricsOf(run) : []), ...siblings.flatMap((s) => metricsOf(s).filter((m) => !m.key.startsWith('validation.') && !m.key.startsWith('gate.') && !m.key.startsWith('register.')))];
  const [fairness, plain] = [metrics.filter((m) => m.key.startsWith('fairness.')), metrics.filter((m) => !m.key.startsWith('fairness.'))];
  lines.push('', '## Metrics', '');
  if (plain.length === 0) lines.push('No metrics were logged on the training run.');
  else {
    lines.push('| metric | value |', '|---|---|');
    for (const m of plain) lines.push(`| ${cell(m.key)} | ${num(m.value)} |`);
  }
  if (fairness.length) {
    lines.push('', '## Fairness', '', '| metric | value |', '|---|---|');
    for (const m of fairness) lines.push(`| ${cell(m.key.slice('fairness.'.length))} | ${num(m.value)} |`);
  }
  lines.push('', '## Gates', '');
  if (blessings.length === 0) lines.push('No gate has been run on this version.');
  for (const b of blessings) {
    lines.push(`- ${b.passed ? 'PASSED' : 'FAILED'} for @${b.target} against ${b.baseline_version ? `version ${b.baseline_version}` : 'no baseline'}, ${iso(b.time)} by ${cell(b.actor)}`);
    for (const r of Array.isArray(b.rules) ? (b.rules as Record<string, unknown>[]) : []) {
      lines.push(`  - ${cell(String(r.metric ?? ''))}: ${cell(String(r.status ?? ''))}${r.message ? ` — ${cell(String(r.message))}` : ''}`);
    }
  }
  lines.push('', '## Approvals', '');
  if (approvals.length === 0) lines.push('None.');
  for (const a of approvals) lines.push(`- ${a.decision} for @${a.target} by ${cell(a.approver)}, ${iso(a.time)}${a.comment ? `: ${cell(a.comment)}` : ''}`);
  const held = history.filter((h) => h.version === mv.version || h.previous_version === mv.version);
  lines.push('', '## Alias history', '');
  if (held.length === 0) lines.push('This version has held no alias.');
  for (const h of held) {
    const gained = h.version === mv.version;
    lines.push(`- ${iso(h.time)}: ${gained ? 'gained' : 'lost'} ${h.kind === 'stage' ? 'stage' : 'alias'} ${h.kind === 'stage' ? h.target : `@${h.target}`} (${cell(h.actor)}${h.reason ? `: ${cell(h.reason)}` : ''})`);
  }
  return `${lines.join('\n')}\n`;
}

function metricsOf(run: Run) {
  return run.data.metrics.filter((m) => !m.key.startsWith('slipway.')).map((m) => ({ key: m.key, value: m.value }));
}

const num = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));
/** Markdown table cells must not break on user text. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
