import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { METRICS_PATH, metricsRoutes } from './metrics-routes.js';
import { BATCH_SIZE_BUCKETS, createServerMetrics, REQUEST_DURATION_BUCKETS, type RequestObservation } from './server-metrics.js';

const req = (status: number, seconds: number, over: Partial<RequestObservation> = {}): RequestObservation => ({
  deployment: 'd',
  model: 'm',
  version: '1',
  protocol: 'v2',
  status,
  seconds,
  ...over,
});

const lines = (text: string) => text.split('\n');
/** The sample lines of one family (no comments). */
const samplesOf = (text: string, name: string) =>
  lines(text).filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) || l.startsWith(`${name}_`));

describe('server metrics', () => {
  it('counts requests by exact status, errors by kind, and durations in cumulative buckets', async () => {
    const m = createServerMetrics({ processMetrics: false });
    m.observeRequest(req(200, 0.0003));
    m.observeRequest(req(200, 0.002));
    m.observeRequest(req(200, 0.7));
    m.observeRequest(req(404, 10));
    m.observeRequest(req(503, 0.0005));
    m.observeRequest(req(200, 0.001, { protocol: 'mlflow' }));
    m.observeRequest(req(400, 0.001, { protocol: 'mlflow', version: '2' }));
    const text = await m.render();

    expect(samplesOf(text, 'slipway_requests_total')).toEqual([
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="200"} 3',
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="404"} 1',
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="503"} 1',
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="mlflow",status="200"} 1',
      'slipway_requests_total{deployment="d",model="m",version="2",protocol="mlflow",status="400"} 1',
    ]);
    // Errors are per model version, summed over protocols.
    expect(samplesOf(text, 'slipway_request_errors_total')).toEqual([
      'slipway_request_errors_total{deployment="d",model="m",version="1",kind="client"} 1',
      'slipway_request_errors_total{deployment="d",model="m",version="1",kind="server"} 1',
      'slipway_request_errors_total{deployment="d",model="m",version="2",kind="client"} 1',
    ]);
    const v2 = 'deployment="d",model="m",version="1",protocol="v2"';
    const cumulative = [2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4]; // 0.0003 and 0.0005 ≤ 0.0005; 0.002 ≤ 0.0025; 0.7 ≤ 1; 10 only in +Inf
    expect(samplesOf(text, 'slipway_request_duration_seconds').slice(0, 16)).toEqual([
      ...REQUEST_DURATION_BUCKETS.map((b, i) => `slipway_request_duration_seconds_bucket{le="${b}",${v2}} ${cumulative[i]}`),
      `slipway_request_duration_seconds_bucket{le="+Inf",${v2}} 5`,
      `slipway_request_duration_seconds_sum{${v2}} ${0.0003 + 0.002 + 0.7 + 10 + 0.0005}`,
      `slipway_request_duration_seconds_count{${v2}} 5`,
    ]);
    expect(text).toContain('# TYPE slipway_request_duration_seconds histogram');
    expect(text).toContain('# TYPE slipway_requests_total counter');
  });

  it('histograms batch sizes in powers of two, 256+ in +Inf', async () => {
    const m = createServerMetrics({ processMetrics: false });
    for (const rows of [1, 1, 3, 64, 65, 300]) m.observeBatch('m', '1', rows);
    m.observeBatch('m', '2', 8);
    const text = await m.render();
    const cumulative = [2, 2, 3, 3, 3, 3, 4, 5, 5];
    expect(samplesOf(text, 'slipway_batch_size_rows')).toEqual([
      ...BATCH_SIZE_BUCKETS.map((b, i) => `slipway_batch_size_rows_bucket{le="${b}",model="m",version="1"} ${cumulative[i]}`),
      'slipway_batch_size_rows_bucket{le="+Inf",model="m",version="1"} 6',
      'slipway_batch_size_rows_sum{model="m",version="1"} 434',
      'slipway_batch_size_rows_count{model="m",version="1"} 6',
      ...BATCH_SIZE_BUCKETS.map((b) => `slipway_batch_size_rows_bucket{le="${b}",model="m",version="2"} ${b >= 8 ? 1 : 0}`),
      'slipway_batch_size_rows_bucket{le="+Inf",model="m",version="2"} 1',
      'slipway_batch_size_rows_sum{model="m",version="2"} 8',
      'slipway_batch_size_rows_count{model="m",version="2"} 1',
    ]);
  });

  it('reads queue depths and payload-log counters at scrape time; untracked ones disappear', async () => {
    const m = createServerMetrics({ processMetrics: false });
    let depth = 7;
    const untrack = m.trackQueue('m', '1', () => depth);
    m.trackQueue('m', '2', () => 2);
    const stats = { buffered: 40, dropped: 5, written: 100 };
    const untrackLog = m.trackPayloadLog({ stats: () => stats });
    let text = await m.render();
    expect(samplesOf(text, 'slipway_queue_depth_rows')).toEqual([
      'slipway_queue_depth_rows{model="m",version="1"} 7',
      'slipway_queue_depth_rows{model="m",version="2"} 2',
    ]);
    expect(samplesOf(text, 'slipway_payload_log_buffered')).toEqual(['slipway_payload_log_buffered 40']);
    expect(samplesOf(text, 'slipway_payload_log_dropped_total')).toEqual(['slipway_payload_log_dropped_total 5']);
    expect(samplesOf(text, 'slipway_payload_log_written_total')).toEqual(['slipway_payload_log_written_total 100']);

    depth = 9;
    Object.assign(stats, { buffered: 0, dropped: 8, written: 130 });
    untrack();
    m.trackQueue('m', '1', () => depth);
    m.trackQueue('m', '1', () => 1); // two batchers of one version add up
    text = await m.render();
    expect(samplesOf(text, 'slipway_queue_depth_rows')).toEqual([
      'slipway_queue_depth_rows{model="m",version="2"} 2',
      'slipway_queue_depth_rows{model="m",version="1"} 10',
    ]);
    expect(samplesOf(text, 'slipway_payload_log_buffered')).toEqual(['slipway_payload_log_buffered 0']);
    expect(samplesOf(text, 'slipway_payload_log_dropped_total')).toEqual(['slipway_payload_log_dropped_total 8']);
    expect(samplesOf(text, 'slipway_payload_log_written_total')).toEqual(['slipway_payload_log_written_total 130']);

    untrackLog();
    Object.assign(stats, { dropped: 50 });
    text = await m.render();
    expect(samplesOf(text, 'slipway_payload_log_dropped_total')).toEqual(['slipway_payload_log_dropped_total 8']); // counters never go back
  });

  it('keeps two instances apart', async () => {
    const a = createServerMetrics({ processMetrics: false });
    const b = createServerMetrics({ processMetrics: false });
    a.observeRequest(req(200, 0.01));
    a.observeRequest(req(200, 0.01));
    b.observeRequest(req(200, 0.01));
    a.trackQueue('m', '1', () => 3);
    expect(samplesOf(await a.render(), 'slipway_requests_total')).toEqual([
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="200"} 2',
    ]);
    const bText = await b.render();
    expect(samplesOf(bText, 'slipway_requests_total')).toEqual([
      'slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="200"} 1',
    ]);
    expect(samplesOf(bText, 'slipway_queue_depth_rows')).toEqual([]);
  });

  it("renders exactly what prom-client's own Counter and Histogram would, escaping included", async () => {
    const ours = createServerMetrics({ processMetrics: false });
    const registry = new Registry();
    const counter = new Counter({
      name: 'slipway_requests_total',
      help: 'x',
      labelNames: ['deployment', 'model', 'version', 'protocol', 'status'],
      registers: [registry],
    });
    const histogram = new Histogram({
      name: 'slipway_request_duration_seconds',
      help: 'x',
      labelNames: ['deployment', 'model', 'version', 'protocol'],
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers: [registry],
    });
    let s = 42;
    const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    const names = ['d', 'quote"d', 'back\\slash', 'new\nline'];
    for (let i = 0; i < 2000; i++) {
      const o = req([200, 400, 500][Math.floor(rand() * 3)] as number, rand() ** 4 * 8, {
        deployment: names[Math.floor(rand() * names.length)] as string,
        version: String(Math.floor(rand() * 2)),
        protocol: rand() < 0.5 ? 'v2' : 'mlflow',
      });
      ours.observeRequest(o);
      const labels = { deployment: o.deployment, model: o.model, version: o.version, protocol: o.protocol };
      counter.inc({ ...labels, status: String(o.status) });
      histogram.observe(labels, o.seconds);
    }
    const theirs = await registry.metrics();
    const text = await ours.render();
    for (const name of ['slipway_requests_total', 'slipway_request_duration_seconds']) {
      expect(samplesOf(text, name).sort()).toEqual(samplesOf(theirs, name).sort());
    }
    expect(samplesOf(text, 'slipway_requests_total').length).toBeGreaterThan(30);
  });

  it('adds the process metrics unless told not to, and states the content type', async () => {
    const m = createServerMetrics();
    const text = await m.render();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text.endsWith('\n')).toBe(true);
    expect(await createServerMetrics({ processMetrics: false }).render()).not.toContain('process_cpu');
    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('serves the exposition at GET /metrics', async () => {
    const m = createServerMetrics({ processMetrics: false });
    m.observeRequest(req(200, 0.01));
    const table = metricsRoutes(m);
    expect(table.match('/metrics/x')).toBeUndefined();
    const route = table.match(METRICS_PATH);
    expect(route?.POST).toBeUndefined();
    const reply = await route?.GET?.({ method: 'GET', path: METRICS_PATH, headers: {}, body: Buffer.alloc(0), requestId: 'r' });
    expect(reply?.status).toBe(200);
    expect(reply?.text).toBe(await m.render());
    expect(reply?.text).toContain('slipway_requests_total{deployment="d",model="m",version="1",protocol="v2",status="200"} 1');
  });
});
