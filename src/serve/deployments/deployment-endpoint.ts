/**
 * A deployment as served: follows the stored deployment (polling its revision, so `slipway deploy`
 * and `slipway rollback` from any machine take effect without a restart) and routes each request.
 *
 * A new revision is rolled out by loading every version it needs beside the ones serving now,
 * smoke-testing a newly loaded version its spec names, and only then swapping the routing plan: one
 * assignment, so each request sees the old plan or the new one and none fails in between. Versions
 * the new plan no longer uses are closed once their in-flight requests finish; the previous stable
 * version stays loaded as standby, which makes a rollback a swap back.
 *
 * Canary requests that fail at run time are retried on the stable version (the caller still gets an
 * answer) and count against the canary, which this server judges and promotes or rolls back itself.
 */
import { SlipwayError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { type Endpoint, predictObserved, type PredictionEvent, type PredictionObserver, type Prepared, type Role, type Served } from '../endpoint.js';
import type { InferenceModel } from '../inference-model.js';
import type { MicroBatcherOptions } from '../micro-batcher.js';
import { HttpError, type RequestContext } from '../routing.js';
import { judgeCanary, VersionStats } from './canary-judge.js';
import { type Candidate, type ModelRef, refLabel, sameRef, VARIANT_HEADER } from './deployment-spec.js';
import { type Deployment, getDeployment, markRolloutFailed, promoteCandidate, rollbackDeployment } from './deployments.js';
import { loadSmokeCases, loadVersion } from './load-version.js';
import { runSmokeTest } from './smoke-test.js';
import { TrafficSplit } from './traffic-split.js';

export interface EndpointLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface DeploymentEndpointOptions {
  readonly store: Store;
  readonly name: string;
  readonly observers?: readonly PredictionObserver[];
  readonly batching?: MicroBatcherOptions | false;
  /** How often the stored revision is checked. @default 1000 */
  readonly pollMs?: number;
  readonly log?: EndpointLogger;
  /** Who the audit log names for this server's automatic decisions. @default 'slipway-serve' */
  readonly actor?: string;
  /** Loads a version; injectable for tests. @default loadVersion from the registry */
  readonly load?: (ref: ModelRef) => Promise<InferenceModel>;
}

interface Plan {
  readonly revision: number;
  readonly stable: InferenceModel;
  readonly candidate: { readonly model: InferenceModel; readonly spec: Candidate; readonly split: TrafficSplit } | undefined;
  readonly standby: InferenceModel | undefined;
  readonly stats: { readonly stable: VersionStats; readonly candidate: VersionStats };
  /** The endpoint's observers plus this plan's own statistics. */
  readonly observers: readonly PredictionObserver[];
  /** Set once this server has asked the store to promote or roll back (one decision per plan). */
  decided: boolean;
}

export interface DeploymentEndpoint extends Endpoint {
  /** Loads the current revision; rejects when the deployment does not exist or cannot be served. */
  start(): Promise<void>;
  /** Checks the store now and rolls out a new revision if there is one (the poller calls this). */
  sync(): Promise<void>;
  /** The revision being served. */
  revision(): number;
  /** Requests and errors per side since the current plan began. */
  stats(): { stable: { requests: number; errors: number }; candidate: { requests: number; errors: number } };
}

const key = (r: ModelRef) => `${r.model}\u0000${r.version}`;
const RETIRE_POLL_MS = 50;

export function createDeploymentEndpoint(options: DeploymentEndpointOptions): DeploymentEndpoint {
  const { store, name } = options;
  const load = options.load ?? ((ref: ModelRef) => loadVersion(store, ref, options.batching));
  const observers = options.observers ?? [];
  const actor = options.actor ?? 'slipway-serve';
  const log = options.log;
  const loaded = new Map<string, InferenceModel>();
  const inFlight = new Map<InferenceModel, number>();
  let plan: Plan | undefined;
  let failedRevision = 0;
  let syncing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function ensureLoaded(ref: ModelRef, fresh: InferenceModel[]): Promise<InferenceModel> {
    const existing = loaded.get(key(ref));
    if (existing) return existing;
    const model = await load(ref);
    loaded.set(key(ref), model);
    fresh.push(model);
    return model;
  }

  async function rollOut(d: Deployment): Promise<void> {
    const spec = d.spec;
    const fresh: InferenceModel[] = [];
    try {
      const stable = await ensureLoaded(spec.stable, fresh);
      const candidateModel = spec.candidate ? await ensureLoaded(spec.candidate.ref, fresh) : undefined;
      const standby = spec.standby ? await ensureLoaded(spec.standby, fresh) : undefined;
      // Smoke-test the version the spec's cases were made for, where it was freshly loaded here.
      if (spec.smoke) {
        const target = [stable, candidateModel].find((m) => m && fresh.includes(m) && sameRef({ model: m.name, version: m.version }, spec.smoke?.ref));
        if (target) {
          const result = await runSmokeTest(target, await loadSmokeCases(store, spec.smoke.hash));
          if (!result.passed) throw new SlipwayError('CHECK_FAILED', `smoke test of ${refLabel(spec.smoke.ref)} failed on ${result.mismatches} of ${result.rows} rows: ${result.failures.join('; ')}`);
        }
      }
      const planObservers = [...observers];
      const next: Plan = {
        revision: d.revision,
        stable,
        candidate: spec.candidate && candidateModel ? { model: candidateModel, spec: spec.candidate, split: new TrafficSplit(spec.candidate.percent) } : undefined,
        standby,
        stats: { stable: new VersionStats(), candidate: new VersionStats() },
        observers: planObservers,
        decided: false,
      };
      planObservers.push(observeStats(next));
      plan = next; // the switch: one assignment
      log?.info('deployment revision serving', { deployment: name, revision: d.revision, status: d.status, message: d.statusMessage });
      for (const [k, m] of loaded) {
        if (m !== stable && m !== candidateModel && m !== standby) {
          loaded.delete(k);
          void retire(m);
        }
      }
    } catch (err) {
      for (const m of fresh) {
        loaded.delete(key({ model: m.name, version: m.version }));
        void retire(m);
      }
      failedRevision = d.revision;
      const message = `revision ${d.revision} not rolled out: ${(err as Error).message}`;
      log?.error('deployment rollout failed', { deployment: name, revision: d.revision, error: (err as Error).message });
      await markRolloutFailed(store, name, d.revision, message, actor).catch(() => undefined);
      if (!plan) throw err;
    }
  }

  /** Closes a model once no request is using it. */
  async function retire(model: InferenceModel): Promise<void> {
    while ((inFlight.get(model) ?? 0) > 0) await new Promise((r) => setTimeout(r, RETIRE_POLL_MS));
    inFlight.delete(model);
    await model.close();
  }

  async function doSync(): Promise<void> {
    const d = await getDeployment(store, name);
    if (closed || d.revision === plan?.revision || d.revision === failedRevision) return;
    await rollOut(d);
  }

  function sync(): Promise<void> {
    syncing ??= doSync().finally(() => {
      syncing = undefined;
    });
    return syncing;
  }

  const observeStats = (p: Plan): PredictionObserver => (e: PredictionEvent) => {
    if (e.role === 'primary') p.stats.stable.record(e.latencyMs, e.error !== undefined);
    else p.stats.candidate.record(e.latencyMs, e.error !== undefined);
    if (e.role === 'canary' && p.candidate?.spec.strategy === 'canary') maybeJudge(p, e.error !== undefined);
  };

  function maybeJudge(p: Plan, failed: boolean): void {
    const c = p.stats.candidate;
    // Judging sorts a latency window: do it on failures and every 32nd canary request, not every one.
    if (p.decided || !p.candidate || (!failed && c.requests % 32 !== 0)) return;
    const verdict = judgeCanary(p.stats.stable, c, p.candidate.spec.limits);
    if (!verdict) return;
    p.decided = true;
    log?.info(`canary ${verdict.action}`, { deployment: name, revision: p.revision, reason: verdict.reason });
    const act = verdict.action === 'promote' ? promoteCandidate : rollbackDeployment;
    void act(store, name, { expectedRevision: p.revision, actor, reason: `automatic: ${verdict.reason}` })
      .then(() => sync())
      .catch((err: unknown) => {
        // Another server (or a person) changed the deployment first: theirs stands.
        if ((err as SlipwayError).code !== 'RESOURCE_CONFLICT') log?.error('canary decision not recorded', { deployment: name, error: (err as Error).message });
      });
  }

  async function predictTracked(model: InferenceModel, role: Role, ctx: RequestContext, prepared: Prepared, all: readonly PredictionObserver[]): Promise<Served> {
    inFlight.set(model, (inFlight.get(model) ?? 0) + 1);
    try {
      return await predictObserved(name, model, role, ctx, prepared, all);
    } finally {
      inFlight.set(model, (inFlight.get(model) ?? 1) - 1);
    }
  }

  function mirror(p: Plan, ctx: RequestContext, prepare: (m: InferenceModel) => Prepared, all: readonly PredictionObserver[]): void {
    const shadow = p.candidate?.model;
    if (!shadow) return;
    let prepared: Prepared;
    try {
      prepared = prepare(shadow);
    } catch (err) {
      log?.warn('shadow could not take the request', { deployment: name, request_id: ctx.requestId, error: (err as Error).message });
      return;
    }
    predictTracked(shadow, 'shadow', ctx, prepared, all).catch(() => undefined); // never answers, never fails the caller
  }

  function header(ctx: RequestContext, h: string): string | undefined {
    const v = ctx.headers[h];
    return Array.isArray(v) ? v[0] : v;
  }

  function pickSide(p: Plan, ctx: RequestContext): boolean {
    const c = p.candidate;
    if (!c || c.spec.strategy === 'shadow') return false;
    if (c.spec.strategy === 'ab') {
      const variant = header(ctx, VARIANT_HEADER)?.toLowerCase();
      if (variant === 'a') return false;
      if (variant === 'b') return true;
    }
    return c.split.choose(header(ctx, c.spec.keyHeader));
  }

  return {
    name,
    current: () => plan?.stable,
    get(version) {
      const p = plan;
      if (!p) return undefined;
      return [p.stable, p.candidate?.model, p.standby].find((m) => m?.version === version);
    },
    versions() {
      const p = plan;
      return p ? [...new Set([p.stable, p.candidate?.model, p.standby].filter((m) => m !== undefined).map((m) => m.version))] : [];
    },
    isReady: () => plan !== undefined && !closed,
    async serve(ctx, prepare, version) {
      const p = plan;
      if (!p) throw new HttpError(503, `deployment '${name}' is not loaded yet`);
      const all = p.observers;
      if (version !== undefined) {
        const pinned = this.get(version);
        if (!pinned) throw new HttpError(404, `deployment '${name}' has no version '${version}' loaded`);
        return predictTracked(pinned, pinned === p.stable ? 'primary' : pinned === p.candidate?.model ? 'canary' : 'primary', ctx, prepare(pinned), observers);
      }
      if (pickSide(p, ctx)) {
        const c = p.candidate?.model as InferenceModel;
        const prepared = prepare(c);
        try {
          return await predictTracked(c, 'canary', ctx, prepared, all);
        } catch (err) {
          if (err instanceof HttpError || p.candidate?.spec.strategy !== 'canary') throw err;
          log?.warn('canary failed; answered by stable', { deployment: name, request_id: ctx.requestId, error: (err as Error).message });
          return predictTracked(p.stable, 'primary', ctx, prepare(p.stable), observers);
        }
      }
      const served = await predictTracked(p.stable, 'primary', ctx, prepare(p.stable), all);
      if (p.candidate?.spec.strategy === 'shadow' && p.candidate.split.choose(header(ctx, p.candidate.spec.keyHeader))) mirror(p, ctx, prepare, all);
      return served;
    },
    async start() {
      await sync();
      if (!plan) throw new SlipwayError('INTERNAL_ERROR', `deployment '${name}' could not be loaded`);
      const every = options.pollMs ?? 1000;
      timer = setInterval(() => {
        sync().catch((err: unknown) => log?.error('deployment sync failed', { deployment: name, error: (err as Error).message }));
      }, every);
      timer.unref();
    },
    sync,
    revision: () => plan?.revision ?? 0,
    stats() {
      const s = plan?.stats;
      return {
        stable: { requests: s?.stable.requests ?? 0, errors: s?.stable.errors ?? 0 },
        candidate: { requests: s?.candidate.requests ?? 0, errors: s?.candidate.errors ?? 0 },
      };
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await syncing?.catch(() => undefined);
      const models = [...loaded.values()];
      loaded.clear();
      await Promise.all(models.map((m) => retire(m)));
    },
  };
}
