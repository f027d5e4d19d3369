import type { Alert, MonitorRun } from '../../monitor/index.js';
import type { Deployment } from '../../serve/index.js';
import type { MlflowHttp } from '../../tracking/index.js';

/**
 * The native API's JSON (snake_case, as /api/v1/openapi.json documents it) back into the values the
 * service functions return, so a command prints the same whether it read the store or a server.
 */
type J = Record<string, unknown>;

export const enc = encodeURIComponent;

/** The largest page the native API gives. */
const MAX_PAGE = 1000;

/**
 * Every item of a paged native list (`?limit=&page_token=` → `{<key>: [...], next_page_token}`), or
 * the first `limit` of them.
 */
export async function allPages<T>(http: MlflowHttp, path: string, key: string, query: J = {}, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await http.json<J>('GET', path, { ...query, limit: Math.min(MAX_PAGE, limit - out.length), ...(token ? { page_token: token } : {}) });
    out.push(...((page[key] as T[] | undefined) ?? []));
    token = typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
  } while (token && out.length < limit);
  return out.slice(0, limit);
}

export function toDeployment(j: unknown): Deployment {
  const d = j as J;
  return {
    name: d.name as string, revision: d.revision as number, spec: d.spec as Deployment['spec'], status: d.status as Deployment['status'],
    statusMessage: d.status_message as string, createdTime: d.created_time as number, updatedTime: d.updated_time as number,
  };
}

export function toMonitorRun(j: unknown): MonitorRun {
  const r = j as J;
  return {
    id: r.id as number, monitor: r.monitor as string, deployment: r.deployment as string, windowStart: r.window_start as number,
    windowEnd: r.window_end as number, startedTime: r.started_time as number, finishedTime: r.finished_time as number | null,
    status: r.status as MonitorRun['status'], summary: r.summary, reportHash: r.report_hash as string | null,
  };
}

export function toAlert(j: unknown): Alert {
  const a = j as J;
  return {
    id: a.id as number, monitor: a.monitor as string, rule: a.rule as string, state: a.state as Alert['state'], startedTime: a.started_time as number,
    resolvedTime: a.resolved_time as number | null, value: a.value as number | null, message: a.message as string,
  };
}
