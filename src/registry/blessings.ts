import { recordAudit } from '../audit/index.js';
import type { Store } from '../store/index.js';
import { parseVersion, readVersion } from './read-versions.js';

/** A gate's verdict on a version, for an alias policy. */
export interface Blessing {
  readonly id: number;
  readonly name: string;
  readonly version: string;
  readonly target: string;
  /** The version the candidate was compared with (re-evaluated on the same rows), if any. */
  readonly baseline_version: string | null;
  readonly passed: boolean;
  /** Every rule's outcome: metric, candidate, baseline, bound, passed/failed/skipped, message. */
  readonly rules: unknown;
  /** The run that evaluated the candidate. */
  readonly run_id: string | null;
  readonly actor: string;
  readonly time: number;
}

export interface RecordBlessingInput {
  readonly target: string;
  readonly baselineVersion?: string | number | null;
  readonly passed: boolean;
  readonly rules: unknown;
  readonly runId?: string | null;
}

/** Records a gate verdict (passed or failed: a failed gate is history too) and audits it. */
export async function recordBlessing(store: Store, name: string, version: string | number, input: RecordBlessingInput): Promise<Blessing> {
  const v = parseVersion(version);
  const now = store.now();
  const baseline = input.baselineVersion === undefined || input.baselineVersion === null ? null : parseVersion(input.baselineVersion);
  const id = await store.db.transaction().execute(async (trx) => {
    await readVersion(trx, name, v);
    const row = await trx.insertInto('blessings').values({
      name, version: v, target: input.target, baseline_version: baseline, passed: input.passed ? 1 : 0,
      rules: JSON.stringify(input.rules), run_id: input.runId ?? null, actor: store.actor, time: now,
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: store.actor, action: input.passed ? 'model_version.bless' : 'model_version.gate_failed', subjectType: 'model_version',
      subjectId: `${name}/${v}`, after: { target: input.target, baseline_version: baseline, passed: input.passed }, time: now,
    });
    return Number(row.id);
  });
  return { id, name, version: String(v), target: input.target, baseline_version: baseline === null ? null : String(baseline), passed: input.passed, rules: input.rules, run_id: input.runId ?? null, actor: store.actor, time: now };
}

export async function listBlessings(store: Store, name: string, version?: string | number): Promise<Blessing[]> {
  let q = store.db.selectFrom('blessings').selectAll().where('name', '=', name);
  if (version !== undefined) q = q.where('version', '=', parseVersion(version));
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, version: String(r.version), target: r.target,
    baseline_version: r.baseline_version === null ? null : String(r.baseline_version), passed: r.passed === 1,
    rules: JSON.parse(r.rules) as unknown, run_id: r.run_id, actor: r.actor, time: Number(r.time),
  }));
}

/** The latest gate verdict for `target` is a pass. */
export async function isBlessed(store: Store, name: string, version: string | number, target: string): Promise<boolean> {
  const latest = (await listBlessings(store, name, version)).filter((b) => b.target === target).at(-1);
  return latest?.passed === true;
}
