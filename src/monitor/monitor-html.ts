import { renderDriftHtml } from './drift/index.js';
import type { MonitorResult } from './run-monitor.js';

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const num = (v: number | null | undefined, digits = 4) => (typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toFixed(digits))) : '—');

/**
 * A monitor run as one self-contained HTML page: the run's status, real accuracy against the
 * metrics at registration, serving figures and alerts, above the drift report of its window.
 * Figures and binned distributions only: no logged rows are embedded.
 */
export function renderMonitorHtml(r: MonitorResult): string {
  const window = `${new Date(r.window.start).toISOString()} – ${new Date(r.window.end).toISOString()}`;
  const perf = Object.entries(r.comparison)
    .map(([k, c]) => `<tr class="${c.degraded ? 'drift' : ''}"><td>${esc(k)}</td><td>${num(c.current)}</td><td>${num(c.at_registration)}</td><td>${num(c.change)}</td><td>${c.degraded === null ? '—' : c.degraded ? 'worse' : 'ok'}</td></tr>`)
    .join('');
  const alerts = r.alerts.events.map((e) => `<li><b>${esc(e.event)}</b> ${esc(e.rule.name)}: ${esc(e.alert.message)}</li>`).join('');
  const section = `<section class="summary"><h2>Monitor ${esc(r.snapshot.monitor)}: ${esc(r.status)}</h2>
<p>Deployment <code>${esc(r.snapshot.deployment)}</code> serving <code>${esc(r.model.name)}/${esc(r.model.version)}</code>; window ${esc(window)}</p>
<table><tr><th>requests</th><th>error rate</th><th>p50 ms</th><th>p99 ms</th><th>labelled rows</th></tr>
<tr><td>${r.serving.requests}</td><td>${num(r.serving.errorRate)}</td><td>${num(r.serving.p50LatencyMs, 2)}</td><td>${num(r.serving.p99LatencyMs, 2)}</td><td>${r.performance?.labelled ?? 0}${r.performance?.verdict === 'insufficient_data' ? ' (too few to score)' : ''}</td></tr></table>
${perf ? `<h3>Performance on labelled traffic vs at registration</h3><table><tr><th>metric</th><th>window</th><th>at registration</th><th>change</th><th></th></tr>${perf}</table>` : ''}
${alerts ? `<h3>Alerts</h3><ul>${alerts}</ul>` : ''}</section>`;
  return renderDriftHtml(r.drift, { reference: `training sample of ${r.model.name}/${r.model.version}`, current: `traffic ${window}` }).replace('<main>', `<main>${section}`);
}
