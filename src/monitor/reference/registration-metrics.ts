/**
 * The metrics a model version had when it was registered: the evaluation report
 * (`evaluation/report.json`, written by the `uses: evaluate` stage) of a run that read the version's
 * exact model bytes. Performance monitoring compares live metrics with these.
 */
import { getModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { getRunInfo, resolveArtifact, runsUsingData } from '../../tracking/index.js';
import { SlipwayError } from '../../errors.js';

export const EVALUATION_REPORT_ARTIFACT = 'evaluation/report.json';

export interface RegistrationEvaluation {
  /** The evaluate run the metrics come from. */
  readonly runId: string;
  /** When that run started (epoch ms). */
  readonly time: number;
  /** The report's numeric metrics (metrics undefined on the data, stored as null, are left out). */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The evaluation current at registration: the newest evaluate run on the version's bytes that started no
 * later than the version was created; when every evaluation came later (a version registered by hand and
 * evaluated afterwards), the earliest of them. Undefined when the bytes were never evaluated.
 */
export async function registrationEvaluation(store: Store, name: string, version: string | number): Promise<RegistrationEvaluation | undefined> {
  const mv = await getModelVersion(store, name, version);
  const readers = [...new Set((await runsUsingData(store, mv.blob.hash)).filter((r) => r.context === 'input').map((r) => r.run_id))];
  const evaluated: { runId: string; time: number; hash: string }[] = [];
  for (const runId of readers) {
    const ref = await resolveArtifact(store, runId, EVALUATION_REPORT_ARTIFACT).catch(absent);
    if (ref?.kind !== 'file') continue;
    evaluated.push({ runId, time: (await getRunInfo(store, runId)).start_time, hash: ref.hash });
  }
  // Newest first; runs that started in the same millisecond keep their logging order.
  const byTime = evaluated.map((e, i) => ({ ...e, i })).sort((a, b) => b.time - a.time || b.i - a.i);
  const chosen = byTime.find((e) => e.time <= mv.creation_timestamp) ?? byTime.at(-1);
  if (!chosen) return undefined;
  const report = JSON.parse((await store.objects.get(chosen.hash)).toString('utf8')) as { metrics?: Record<string, unknown> };
  const metrics = Object.fromEntries(
    Object.entries(report.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])),
  );
  return { runId: chosen.runId, time: chosen.time, metrics };
}

/** The flat numeric metrics of `registrationEvaluation`, or undefined when the version was never evaluated. */
export async function registrationMetrics(store: Store, name: string, version: string | number): Promise<Record<string, number> | undefined> {
  const found = await registrationEvaluation(store, name, version);
  return found && { ...found.metrics };
}

function absent(err: unknown): undefined {
  if (err instanceof SlipwayError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
  throw err;
}
