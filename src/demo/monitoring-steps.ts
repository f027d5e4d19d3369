import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPipeline } from '../config/index.js';
import { columnByName, readTable, type Table, valueAt } from '../data/index.js';
import { listMonitorRuns, parseMonitors, renderMonitorHtml, retrainOnWindow, runMonitor } from '../monitor/index.js';
import { approveVersion, promote } from '../registry/index.js';
import { getDeployment, startServingApp } from '../serve/index.js';
import type { Store } from '../store/index.js';

const DEPLOYMENT = 'adult-income';
const MONITOR = 'adult-income-live';

export interface MonitoringDemoContext {
  readonly store: Store;
  readonly project: string;
  readonly model: string;
  readonly say: (s: string) => void;
}

/**
 * The world moves: the traffic the deployed model sees shifts to an older, longer-hours population
 * whose incomes have risen (more of them now earn >50K), with labels arriving later. The monitor
 * sees the drift and the falling accuracy, posts alerts to a webhook receiver, and retrains on the
 * labelled window; the new version passes the gate against production and replaces the serving one
 * blue/green while callers keep sending requests: zero fail.
 */
export async function runMonitoringSteps(c: MonitoringDemoContext, step: number): Promise<{ step: number; report: string }> {
  const { store, say } = c;
  // The example's webhook URL names port 9000; the demo's receiver takes whatever port is free.
  const received: { event: string; rule: string; value: unknown }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const json = JSON.parse(body) as { event: string; alert: { rule: string; value: unknown } };
      received.push({ event: json.event, rule: json.alert.rule, value: json.alert.value });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  const yamlPath = join(c.project, 'slipway.yaml');
  await writeFile(yamlPath, (await readFile(yamlPath, 'utf8')).replaceAll('http://127.0.0.1:9000/', `http://127.0.0.1:${port}/`));
  const [spec] = parseMonitors((await loadPipeline(yamlPath)).extra.monitors, yamlPath);
  if (!spec) throw new Error('the example has no monitor');

  const app = await startServingApp({ store, deployments: [DEPLOYMENT], payloadLog: { sampleRate: 1, flushIntervalMs: 100 }, pollMs: 50 });
  try {
    const before = await getDeployment(store, DEPLOYMENT);
    const shiftStart = store.now();
    const holdout = await readTable(join(c.project, 'data', 'test.csv'));
    const shifted = shiftedPopulation(holdout, 1500);
    const features = holdout.columns.map((col) => col.name).filter((n) => n !== 'income');
    for (let k = 0; k < shifted.rows.length; k += 25) {
      const chunk = shifted.rows.slice(k, k + 25);
      const res = await fetch(`${app.url}/invocations`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `shift-${k}` },
        body: JSON.stringify({ dataframe_split: { columns: features, data: chunk.map((r) => features.map((f) => shifted.cell(f, r))) } }),
      });
      if (res.status !== 200) throw new Error(`the served model answered ${res.status}`);
    }
    // The labels come back later, by request id.
    const feedback = [];
    for (let k = 0; k < shifted.rows.length; k += 25) feedback.push({ request_id: `shift-${k}`, label: shifted.rows.slice(k, k + 25).map((r) => shifted.label(r)) });
    await fetch(`${app.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ feedback }) });
    await app.payloadLog?.flush();
    say(`${step}. The world moves: ${shifted.rows.length} requests from an older, longer-hours population whose incomes rose (more now earn >50K); their labels arrive later through /v1/feedback`);

    // Callers keep sending while the monitor runs, retrains and rolls the new version out.
    let stop = false;
    let sent = 0;
    let failed = 0;
    const seen = new Set<string>();
    const body = JSON.stringify({ dataframe_split: { columns: features, data: [features.map((f) => shifted.cell(f, shifted.rows[0] as number))] } });
    const caller = async () => {
      while (!stop) {
        const res = await fetch(`${app.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slipway-key': 'steady-caller' }, body }).catch(() => undefined);
        sent++;
        if (res?.status !== 200) failed++;
        seen.add(res?.headers.get('x-slipway-served-by') ?? '?');
        await res?.arrayBuffer();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const callers = Array.from({ length: 8 }, caller);
    const lines: string[] = [];
    const result = await runMonitor(store, spec, {
      windowMs: store.now() - shiftStart + 1,
      actions: {
        logger: { info: () => {}, warn: () => {}, error: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`) },
        retrain: (r) => retrainOnWindow({ store, projectRoot: c.project, log: (l) => lines.push(l) }, r),
      },
    });
    await app.deployments[0]?.sync();
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(callers);

    const drifted = result.drift.columns.filter((col) => col.drifted).map((col) => col.column.replace('__prediction__', 'prediction'));
    say(`${step + 1}. slipway monitor ${MONITOR}: dataset drift ${result.drift.dataset.drifted_columns} of ${result.drift.dataset.columns} columns (${drifted.join(', ')}); live accuracy ${fmt(result.performance?.metrics?.accuracy)} vs ${fmt(result.comparison.accuracy?.at_registration)} at registration`);
    const fired = result.alerts.events.filter((e) => e.event === 'alert.fired').map((e) => e.rule.name).sort();
    if (!fired.includes('data-drift') || !fired.includes('accuracy-drop')) throw new Error(`expected both alerts to fire, got ${fired.join(', ') || 'none'}: ${lines.join('; ')}`);
    await waitFor(() => received.length >= 2);
    say(`   alerts fired: ${fired.join(', ')}; the webhook receiver on 127.0.0.1:${port} got ${received.map((r) => `${r.event} ${r.rule}`).join(', ')}`);
    const retrain = result.alerts.actions.flatMap((a) => a.results).find((r) => r.kind === 'retrain');
    const outcome = retrain && 'outcome' in retrain ? retrain.outcome : undefined;
    if (outcome?.status !== 'succeeded' || !/passed the gate and was deployed/.test(outcome.message ?? '')) {
      throw new Error(`retraining did not roll out a new version: ${JSON.stringify(retrain)} ${lines.join('; ')}`);
    }
    const after = await getDeployment(store, DEPLOYMENT);
    const next = after.spec.stable.version;
    say(`${step + 2}. retrain: the labelled window was appended to raw/live-window.csv and the pipeline ran: v${next} ${(outcome.message ?? '').replace(/^version \d+ /, '')}`);
    if (failed !== 0) throw new Error(`${failed} of ${sent} requests failed during the retrained rollout`);
    if (!seen.has(`${c.model}/${next}`)) throw new Error(`the server never switched to v${next} (saw ${[...seen].join(', ')})`);
    say(`   8 callers kept sending throughout: ${sent} requests, 0 failed; answered by ${[...seen].sort().join(' then ')} (was v${before.spec.stable.version})`);

    const reviewer: Store = { ...store, actor: 'demo-reviewer' };
    await approveVersion(reviewer, c.model, next, { target: 'production', comment: 'retrained on the shifted window; gate passed' });
    await promote(reviewer, c.model, next, 'production', { reason: 'retrained after drift; approved', policy: { requireApproval: true } });
    say(`   @production needs a second person by policy: demo-reviewer approved v${next}; @production -> v${next}`);

    const report = join(c.project, 'monitor-report.html');
    await writeFile(report, renderMonitorHtml(result));
    const runs = await listMonitorRuns(store, MONITOR);
    say(`${step + 3}. monitor report (drift per column with charts, accuracy vs registration, alerts): ${report}; ${runs.length} run(s) stored with their time series`);
    return { step: step + 4, report };
  } finally {
    await app.close();
    await new Promise((r) => receiver.close(r));
  }
}

/** Holdout rows of people 40+ working 45+ hours, resampled; their "risen" labels: >50K from education 10+. */
function shiftedPopulation(t: Table, n: number) {
  const cell = (name: string, r: number) => {
    const col = columnByName(t, name);
    return col ? valueAt(col, r) : null;
  };
  const pool: number[] = [];
  for (let r = 0; r < t.rowCount; r++) if (Number(cell('age', r)) >= 40 && Number(cell('hours_per_week', r)) >= 45) pool.push(r);
  let s = 17;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows = Array.from({ length: n }, () => pool[Math.floor(rand() * pool.length)] as number);
  const label = (r: number) => (Number(cell('education_num', r)) >= 10 ? '>50K' : String(cell('income', r)));
  return { rows, cell, label };
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the webhook');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fmt = (v: number | null | undefined) => (typeof v === 'number' ? v.toFixed(4) : '-');
