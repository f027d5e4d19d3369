import { invalid } from '../errors.js';
import { kubernetesName } from './k8s-names.js';
import { parseQuantity } from './quantity.js';

/** CPU and memory as Kubernetes quantities (`250m`, `1`, `512Mi`). */
export interface ResourceAmounts {
  readonly cpu?: string;
  readonly memory?: string;
}

/** Options for the manifests and the Dockerfile of one packaged model version. */
export interface ManifestOptions {
  /**
   * Name of every Kubernetes object written; made a valid DNS label (lowercase, `[a-z0-9-]`, ≤ 63).
   * @default the model name, made valid the same way
   */
  readonly name?: string;
  /** The registered model's name: the name the server answers to (`/v2/models/<modelName>`). */
  readonly modelName: string;
  /** The registered version, e.g. `'3'`. */
  readonly version: string;
  /** @default `slipway-<name>:<version>` */
  readonly image?: string;
  /** Port the server listens on inside the container. @default 8080 */
  readonly port?: number;
  /** Pods of the Deployment (and KServe's min = max) when not autoscaled. @default 2 */
  readonly replicas?: number;
  /**
   * Requests and limits of the serving container; each value given replaces its default.
   * @default requests 250m CPU / 256Mi, limits 1 CPU / 512Mi: room for a small ONNX model and Node
   */
  readonly resources?: { readonly requests?: ResourceAmounts; readonly limits?: ResourceAmounts };
  /** Scale on CPU between `min` and `max` pods (a HorizontalPodAutoscaler; KServe's own autoscaler). */
  readonly autoscale?: {
    readonly min: number;
    readonly max: number;
    /** Average CPU use, in percent of the request, the autoscaler aims for. @default 70 */
    readonly targetCpuPercent?: number;
  };
  /** sha256 of the model bytes, recorded as an annotation so a running pod names exactly what it serves. */
  readonly modelSha256?: string;
}

/** Every option present and checked: what the builders read. */
export interface ResolvedManifestOptions {
  readonly name: string;
  readonly modelName: string;
  readonly version: string;
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly resources: { readonly requests: Required<ResourceAmounts>; readonly limits: Required<ResourceAmounts> };
  readonly autoscale: { readonly min: number; readonly max: number; readonly targetCpuPercent: number } | undefined;
  readonly modelSha256: string | undefined;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_REPLICAS = 2;
export const DEFAULT_TARGET_CPU_PERCENT = 70;
export const DEFAULT_RESOURCES = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } as const;

/** Fills in defaults and refuses, with a message naming the option, anything a cluster would refuse. */
export function resolveManifestOptions(o: ManifestOptions): ResolvedManifestOptions {
  if (!o.modelName) throw invalid('A package needs the model name.');
  if (!/^\d+$/.test(o.version)) throw invalid(`The model version must be a number such as 3, got '${o.version}'.`, { version: o.version });
  const name = kubernetesName(o.name ?? o.modelName);
  const port = o.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`The port must be an integer in 1..65535, got ${port}.`, { port });
  const replicas = o.replicas ?? DEFAULT_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 1) throw invalid(`Replicas must be a positive integer, got ${replicas}.`, { replicas });
  const image = o.image ?? `slipway-${name}:${o.version}`;
  if (!/^[^\s]+$/.test(image)) throw invalid(`The image reference '${image}' is empty or has spaces.`, { image });
  return {
    name, modelName: o.modelName, version: o.version, image, port, replicas,
    resources: resolveResources(o.resources), autoscale: resolveAutoscale(o.autoscale), modelSha256: o.modelSha256,
  };
}

function resolveResources(r: ManifestOptions['resources']): ResolvedManifestOptions['resources'] {
  const requests = { ...DEFAULT_RESOURCES.requests, ...definedOnly(r?.requests) };
  const limits = { ...DEFAULT_RESOURCES.limits, ...definedOnly(r?.limits) };
  for (const kind of ['cpu', 'memory'] as const) {
    const request = parseQuantity(`The ${kind} request`, requests[kind]);
    const limit = parseQuantity(`The ${kind} limit`, limits[kind]);
    // The API server refuses a pod whose request exceeds its limit; say so before anything is written.
    if (request > limit) {
      throw invalid(`The ${kind} request ${requests[kind]} is more than its limit ${limits[kind]}; give a limit at least as large (e.g. --${kind} ${requests[kind]}:${requests[kind]}).`);
    }
  }
  return { requests, limits };
}

function definedOnly(a: ResourceAmounts | undefined): ResourceAmounts {
  return Object.fromEntries(Object.entries(a ?? {}).filter(([, v]) => v !== undefined));
}

function resolveAutoscale(a: ManifestOptions['autoscale']): ResolvedManifestOptions['autoscale'] {
  if (!a) return undefined;
  const target = a.targetCpuPercent ?? DEFAULT_TARGET_CPU_PERCENT;
  if (!Number.isInteger(a.min) || a.min < 1) throw invalid(`Autoscaling needs a minimum of at least 1 pod, got ${a.min}.`);
  if (!Number.isInteger(a.max) || a.max < a.min) throw invalid(`Autoscaling's maximum (${a.max}) must be an integer no smaller than its minimum (${a.min}).`);
  if (!Number.isInteger(target) || target < 1 || target > 100) throw invalid(`The CPU target must be an integer percentage in 1..100, got ${target}.`);
  return { min: a.min, max: a.max, targetCpuPercent: target };
}
