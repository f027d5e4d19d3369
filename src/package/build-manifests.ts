import { labelValue } from './k8s-names.js';
import { type ManifestOptions, type ResolvedManifestOptions, resolveManifestOptions } from './manifest-options.js';

/** Where the Dockerfile puts the model, and so where every manifest's command points. */
export const MODEL_PATH = '/models/model.onnx';
/** The image's non-root user; numeric so the kubelet can check `runAsNonRoot` without reading /etc/passwd. */
export const RUN_AS_USER = 10001;
export const READY_PATH = '/v2/health/ready';
export const LIVE_PATH = '/v2/health/live';
export const METRICS_PATH = '/metrics';

/** A Kubernetes object as plain data, ready for YAML. */
export type Manifest = Record<string, unknown>;

/** The objects `slipway package` writes. `hpa` is present only with autoscaling. */
export interface Manifests {
  readonly deployment: Manifest;
  readonly service: Manifest;
  readonly hpa?: Manifest;
  readonly inferenceService: Manifest;
}

/**
 * Builds a Deployment, a Service, an optional HorizontalPodAutoscaler and a KServe InferenceService
 * for one model version. Pure: the same options give the same objects.
 *
 * @example
 *   const { deployment, service } = buildManifests({ modelName: 'churn', version: '3' });
 */
export function buildManifests(options: ManifestOptions): Manifests {
  const o = resolveManifestOptions(options);
  return {
    deployment: buildDeployment(o),
    service: buildService(o),
    ...(o.autoscale ? { hpa: buildHpa(o, o.autoscale) } : {}),
    inferenceService: buildInferenceService(o),
  };
}

/** `slipway serve` as the container runs it: all interfaces (a container's own network), the packaged model. */
export function serveArgs(o: Pick<ResolvedManifestOptions, 'modelName' | 'port'>): string[] {
  return ['serve', '--model', MODEL_PATH, '--name', o.modelName, '--host', '0.0.0.0', '--port', String(o.port)];
}

/** Pods are selected by name only: a selector is immutable, so the next version must still match it. */
function selectorLabels(o: ResolvedManifestOptions): Record<string, string> {
  return { 'app.kubernetes.io/name': o.name };
}

function labels(o: ResolvedManifestOptions): Record<string, string> {
  return {
    ...selectorLabels(o),
    'app.kubernetes.io/version': o.version,
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'slipway',
    'slipway.dev/model': labelValue(o.modelName),
    'slipway.dev/model-version': o.version,
  };
}

/** Label values cannot hold every model name; annotations keep the exact registry address. */
function modelAnnotations(o: ResolvedManifestOptions): Record<string, string> {
  return {
    'slipway.dev/model-uri': `models:/${o.modelName}/${o.version}`,
    ...(o.modelSha256 ? { 'slipway.dev/model-sha256': o.modelSha256 } : {}),
  };
}

function probes(port: number | string) {
  return {
    // Ready once the model is loaded; live while the process answers at all.
    readinessProbe: { httpGet: { path: READY_PATH, port }, initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: LIVE_PATH, port }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  };
}

function containerSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function buildDeployment(o: ResolvedManifestOptions): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, labels: labels(o), annotations: modelAnnotations(o) },
    spec: {
      // With an autoscaler the HPA owns the replica count; a fixed one here would reset it on every apply.
      ...(o.autoscale ? {} : { replicas: o.replicas }),
      selector: { matchLabels: selectorLabels(o) },
      // Never fewer ready pods than asked for while a new version rolls out.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(o),
          annotations: {
            ...modelAnnotations(o),
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(o.port),
            'prometheus.io/path': METRICS_PATH,
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: RUN_AS_USER, runAsGroup: RUN_AS_USER, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'model-server',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['slipway'],
              args: serveArgs(o),
              ports: [{ name: 'http', containerPort: o.port, protocol: 'TCP' }],
              ...probes('http'),
              resources: o.resources,
              securityContext: containerSecurityContext(),
            },
          ],
        },
      },
    },
  };
}

export function buildService(o: ResolvedManifestOptions): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, labels: labels(o) },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(o),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function buildHpa(o: ResolvedManifestOptions, a: NonNullable<ResolvedManifestOptions['autoscale']>): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: o.name, labels: labels(o) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: o.name },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuPercent } } }],
    },
  };
}

/**
 * A KServe custom predictor. KServe finds the serving container by the name `kserve-container`,
 * reads its protocol from the `PROTOCOL` variable (`v2`: Open Inference Protocol), and Knative wants
 * the one port named `http1` (HTTP/1.1) with probes on that same port.
 */
export function buildInferenceService(o: ResolvedManifestOptions): Manifest {
  const scaling = o.autoscale
    ? { minReplicas: o.autoscale.min, maxReplicas: o.autoscale.max, scaleMetric: 'cpu', scaleTarget: o.autoscale.targetCpuPercent }
    : { minReplicas: o.replicas, maxReplicas: o.replicas };
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: o.name,
      labels: labels(o),
      annotations: {
        ...modelAnnotations(o),
        'serving.kserve.io/enable-prometheus-scraping': 'true',
        'prometheus.kserve.io/port': String(o.port),
        'prometheus.kserve.io/path': METRICS_PATH,
      },
    },
    spec: {
      predictor: {
        ...scaling,
        containers: [
          {
            name: 'kserve-container',
            image: o.image,
            command: ['slipway'],
            args: serveArgs(o),
            env: [{ name: 'PROTOCOL', value: 'v2' }],
            ports: [{ name: 'http1', containerPort: o.port, protocol: 'TCP' }],
            ...probes(o.port),
            resources: o.resources,
            securityContext: containerSecurityContext(),
          },
        ],
      },
    },
  };
}
