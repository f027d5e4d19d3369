/**
 * Where a version came from, as data: the run that produced it, its pipeline run, the code commit,
 * the data it read by hash, its params, and the metrics of its run and of the pipeline's sibling
 * stages (evaluate, gate) — what `slipway models card` prints as Markdown.
 */
import type { z } from 'zod';
import { SlipwayError } from '../../errors.js';
import type { ModelVersion } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { getRun, listChildRuns, type Run } from '../../tracking/index.js';
import type { Lineage } from './registry-schemas.js';

export async function versionLineage(store: Store, mv: ModelVersion): Promise<z.infer<typeof Lineage>> {
  const run = mv.run_id ? await findRun(store, mv.run_id) : undefined;
  const parent = run?.info.parent_run_id ? await findRun(store, run.info.parent_run_id) : undefined;
  const siblings = parent
    ? (await Promise.all((await listChildRuns(store, parent.info.run_id)).filter((c) => c.run_id !== run?.info.run_id).map((c) => findRun(store, c.run_id))))
      .filter((r): r is Run => r !== undefined)
    : [];
  const commit = run?.info.source_git_commit;
  const dirty = run?.data.tags.find((t) => t.key === 'slipway.git.dirty')?.value;
  return {
    run: run ? runRef(run) : null,
    pipeline_run: parent ? runRef(parent) : null,
    code: commit ? { git_commit: commit, dirty: dirty === undefined ? null : dirty === 'true' } : null,
    data: (run?.inputs.datasets ?? []).filter((d) => d.context !== 'output').map((d) => ({ name: d.name, digest: d.digest, context: d.context, source: d.source, size: d.size ?? null })),
    params: [...(run?.data.params ?? [])],
    metrics: [run, ...siblings].filter((r): r is Run => r !== undefined)
      .flatMap((r) => r.data.metrics.map((m) => ({ key: m.key, value: m.value, run_id: r.info.run_id }))),
  };
}

function runRef(r: Run) {
  const i = r.info;
  return { run_id: i.run_id, run_name: i.run_name, experiment_id: i.experiment_id, status: i.status, start_time: i.start_time, end_time: i.end_time ?? null };
}

/** A linked run that was deleted from the store is reported as absent, not as an error. */
async function findRun(store: Store, runId: string): Promise<Run | undefined> {
  try {
    return await getRun(store, runId);
  } catch (err) {
    if (err instanceof SlipwayError && (err.code === 'RESOURCE_DOES_NOT_EXIST' || err.code === 'INVALID_PARAMETER_VALUE')) return undefined;
    throw err;
  }
}
