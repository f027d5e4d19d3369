import { join } from 'node:path';
import { columnByName, readTable, valueAt } from '../data/index.js';
import { approveVersion, getVersionByAlias, promote } from '../registry/index.js';
import { deploy, deploymentHistory, joinFeedback, listPayloadBatches, rollbackDeployment, startServingApp } from '../serve/index.js';
import type { Store } from '../store/index.js';

const DEPLOYMENT = 'adult-income';

export interface ServingDemoContext {
  readonly store: Store;
  readonly project: string;
  readonly model: string;
  readonly say: (s: string) => void;
  /** Runs the project's pipeline with overrides and checks stage outcomes (the demo's `run`). */
  readonly run: (label: string, overrides: Record<string, unknown>, expect: Record<string, string>) => Promise<unknown>;
}

/**
 * Serving, as the loop continues after promotion: deploy @production (smoke-tested on its evaluation
 * sample), serve it with the payload log on, send it real holdout rows, post their labels as
 * feedback and join them; then a better model passes the gate and approval and replaces the first
 * blue/green under concurrent traffic with zero failed requests; a rollback returns to the warm
 * previous version at once.
 */
export async function runServingSteps(c: ServingDemoContext, step: number): Promise<number> {
  const { store, say } = c;
  const first = await deploy(store, DEPLOYMENT, { uri: `models:/${c.model}@production`, reason: 'first release' });
  say(`${step}. slipway deploy ${DEPLOYMENT} --model models:/${c.model}@production: smoke test passed on ${first.smoke?.rows ?? 0} rows of its evaluation sample; revision ${first.deployment.revision} serves v${first.ref.version}`);
  const app = await startServingApp({ store, deployments: [DEPLOYMENT], payloadLog: { sampleRate: 1, flushIntervalMs: 100 }, pollMs: 50 });
  try {
    const holdout = await readTable(join(c.project, 'data', 'test.csv'));
    const features = holdout.columns.map((col) => col.name).filter((n) => n !== 'income');
    const cell = (name: string, r: number) => {
      const col = columnByName(holdout, name);
      return col ? valueAt(col, r) : null;
    };
    const requests = 40;
    const perRequest = 10;
    let correct = 0;
    for (let k = 0; k < requests; k++) {
      const rows = Array.from({ length: perRequest }, (_, i) => k * perRequest + i);
      const body = { dataframe_split: { columns: features, data: rows.map((r) => features.map((f) => cell(f, r))) } };
      const res = await fetch(`${app.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `demo-${k}` }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`the served model answered ${res.status}: ${await res.text()}`);
      const { predictions } = (await res.json()) as { predictions: string[] };
      correct += predictions.filter((p, i) => p === String(cell('income', rows[i] as number))).length;
    }
    // Labels arrive later, by request id: one label per row.
    const feedback = Array.from({ length: requests }, (_, k) => ({ request_id: `demo-${k}`, label: Array.from({ length: perRequest }, (_, i) => String(cell('income', k * perRequest + i))) }));
    const fb = await fetch(`${app.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ feedback }) });
    if (fb.status !== 200) throw new Error(`feedback was refused: ${await fb.text()}`);
    await app.payloadLog?.flush();
    const joined = await joinFeedback(store, { deployment: DEPLOYMENT });
    const accuracy = joined.rows.filter((r) => r.outputs.label === r.label).length / joined.labelled;
    if (joined.labelled !== requests * perRequest || Math.abs(accuracy - correct / (requests * perRequest)) > 1e-12) {
      throw new Error(`feedback did not join the payload log: ${joined.labelled} labelled rows`);
    }
    const batches = await listPayloadBatches(store, { deployment: DEPLOYMENT });
    say(`${step + 1}. slipway serve --deployment ${DEPLOYMENT} --payload-log: ${requests} MLflow /invocations requests of ${perRequest} holdout rows each; the payload log holds ${joined.predictions} rows in ${batches.length} batch(es); POST /v1/feedback with their true labels joins them by request id: live accuracy ${accuracy.toFixed(4)}`);

    await c.run(`${step + 2}. slipway run --set train.max_leaf_nodes=63 (a better model)`, { 'train.max_leaf_nodes': 63 }, { train: 'ran', gate: 'ran', register: 'ran' });
    const v2 = await getVersionByAlias(store, c.model, 'staging');
    const reviewer: Store = { ...store, actor: 'demo-reviewer' };
    await approveVersion(reviewer, c.model, v2.version, { target: 'production', comment: 'beats v1 on the holdout' });
    await promote(reviewer, c.model, v2.version, 'production', { reason: 'gate passed, approved', policy: { requireApproval: true } });
    say(`   the gate passed against v${first.ref.version}; demo-reviewer approved v${v2.version}; @production -> v${v2.version}`);

    // Blue/green under traffic: 16 callers keep sending while v2 is loaded beside v1 and switched in.
    let stop = false;
    let sent = 0;
    let failed = 0;
    const seen = new Set<string>();
    const body = JSON.stringify({ dataframe_split: { columns: features, data: [features.map((f) => cell(f, 0))] } });
    const caller = async () => {
      while (!stop) {
        const res = await fetch(`${app.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => undefined);
        sent++;
        if (res?.status !== 200) failed++;
        seen.add(res?.headers.get('x-slipway-served-by') ?? '?');
        await res?.arrayBuffer();
      }
    };
    const callers = Array.from({ length: 16 }, caller);
    await new Promise((r) => setTimeout(r, 200));
    const second = await deploy(store, DEPLOYMENT, { uri: `models:/${c.model}@production`, reason: `v${v2.version} approved` });
    await app.deployments[0]?.sync();
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(callers);
    if (failed !== 0) throw new Error(`${failed} of ${sent} requests failed during the blue/green switch`);
    if (!seen.has(`${c.model}/${v2.version}`)) throw new Error('the server never switched to the new version');
    say(`${step + 3}. slipway deploy ${DEPLOYMENT} --model models:/${c.model}@production (blue/green) under 16 concurrent callers: ${sent} requests, 0 failed; answered by ${[...seen].sort().join(' then ')}; v${first.ref.version} stays loaded as standby (revision ${second.deployment.revision})`);

    const back = await rollbackDeployment(store, DEPLOYMENT, { reason: 'demo: instant rollback' });
    await app.deployments[0]?.sync();
    const after = await fetch(`${app.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const servedBy = after.headers.get('x-slipway-served-by');
    if (servedBy !== `${c.model}/${first.ref.version}`) throw new Error(`rollback did not take effect: served by ${servedBy}`);
    say(`${step + 4}. slipway rollback ${DEPLOYMENT}: revision ${back.revision} serves v${first.ref.version} again at once (it was warm); history:`);
    for (const h of await deploymentHistory(store, DEPLOYMENT)) say(`     rev ${h.revision} ${h.action} by ${h.actor}: ${h.reason}`);
  } finally {
    await app.close();
  }
  return step + 5;
}
