/**
 * `GET /metrics`: the server's Prometheus exposition (see server-metrics.ts for what it holds).
 */
import type { RouteTable, Route } from './routing.js';
import type { ServerMetrics } from './server-metrics.js';

export const METRICS_PATH = '/metrics';

export function metricsRoutes(metrics: Pick<ServerMetrics, 'render' | 'contentType'>): RouteTable {
  const route: Route = { GET: async () => ({ status: 200, text: await metrics.render(), contentType: metrics.contentType }) };
  return {
    protocol: 'metrics',
    match: (path) => (path === METRICS_PATH ? route : undefined),
    errorBody: (_status, message) => ({ error: message }),
  };
}
