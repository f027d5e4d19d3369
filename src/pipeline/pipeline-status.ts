import { join } from 'node:path';
import type { PipelineSpec } from '../config/index.js';
import { buildDag, selectStages } from './dag.js';
import { readLock } from './lock-file.js';
import { stageState } from './stage-state.js';
import { HashState, hashPath } from './workspace/index.js';

export interface StageStatus {
  readonly stage: string;
  readonly changed: boolean;
  /** Why it would re-run, e.g. "dep data/train.csv changed", "param lr changed", "out model.bin missing". */
  readonly reasons: readonly string[];
}

export interface DataStatus {
  readonly path: string;
  /** 'ok' | 'modified' | 'missing' */
  readonly state: 'ok' | 'modified' | 'missing';
}

/** `slipway status`: what `slipway run` would re-run and why, plus the state of `slipway add`-tracked data. */
export async function pipelineStatus(spec: PipelineSpec, targets: readonly string[] = []): Promise<{ stages: StageStatus[]; data: DataStatus[] }> {
  const dag = buildDag(spec);
  const lock = await readLock(spec.root);
  const state = new HashState(join(spec.root, '.slipway', 'state.db'));
  try {
    const changed = new Set<string>();
    const stages: StageStatus[] = [];
    for (const name of selectStages(dag, targets)) {
      const stage = dag.stages.get(name);
      if (!stage) continue;
      if (stage.frozen) {
        stages.push({ stage: name, changed: false, reasons: ['frozen'] });
        continue;
      }
      const st = await stageState(spec, stage, lock.stages[name], state);
      // A dep an upstream stage will rewrite counts as changed even before that stage runs.
      const upstream = [...(dag.upstream.get(name) ?? [])].filter((u) => changed.has(u)).map((u) => `upstream stage ${u} will run`);
      const reasons = [...st.reasons.filter((r) => !(upstream.length && r.startsWith('dep ') && r.endsWith(' missing'))), ...upstream];
      if (reasons.length) changed.add(name);
      stages.push({ stage: name, changed: reasons.length > 0, reasons });
    }
    const data: DataStatus[] = [];
    for (const d of lock.data) {
      const h = await hashPath(spec.root, d.path, state);
      data.push({ path: d.path, state: h.kind === 'missing' ? 'missing' : h.hash === d.hash ? 'ok' : 'modified' });
    }
    return { stages, data };
  } finally {
    state.flush();
    state.close();
  }
}
