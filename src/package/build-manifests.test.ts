import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
// Straight from the files, not index.ts: the index also pulls in the registry and store, seconds of import for nothing here.
import { buildManifests, type Manifest, MODEL_PATH } from './build-manifests.js';
import { kubernetesName, labelValue } from './k8s-names.js';
import { parseQuantity } from './quantity.js';
import { CONFORMANCE_DIR, type Kind, schemaErrors } from './test-helpers.js';

/** Reads a path of plain objects and arrays, failing the test when a step is missing. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !(p in v)) throw new Error(`no ${path.join('.')} (stopped at ${String(p)})`);
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

const clone = (m: Manifest): Manifest => structuredClone(m);
const invalidCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    return (err as SlipwayError);
  }
  throw new Error('expected a SlipwayError');
};

describe.skipIf(CONFORMANCE_DIR === undefined)('buildManifests, validated against the systems’ own schemas', () => {
  const plain = buildManifests({ modelName: 'churn', version: '3', modelSha256: 'a'.repeat(64) });
  const scaled = buildManifests({ modelName: 'churn', version: '3', autoscale: { min: 2, max: 8, targetCpuPercent: 60 } });

  it.each<[string, Kind, Manifest | undefined]>([
    ['Deployment', 'Deployment', plain.deployment],
    ['Service', 'Service', plain.service],
    ['InferenceService', 'InferenceService', plain.inferenceService],
    ['autoscaled Deployment', 'Deployment', scaled.deployment],
    ['HorizontalPodAutoscaler', 'HorizontalPodAutoscaler', scaled.hpa],
    ['autoscaled InferenceService', 'InferenceService', scaled.inferenceService],
  ])('%s is valid', (_label, kind, manifest) => {
    expect(manifest).toBeDefined();
    expect(schemaErrors(kind, manifest)).toEqual([]);
  });

  it('rejects a broken manifest of each kind', () => {
    const replicasAsString = clone(plain.deployment);
    (at(replicasAsString, 'spec') as Record<string, unknown>).replicas = '2';
    expect(schemaErrors('Deployment', replicasAsString).join('\n')).toContain('/spec/replicas must be integer');

    const unknownContainerField = clone(plain.deployment);
    (at(unknownContainerField, 'spec', 'template', 'spec', 'containers', 0) as Record<string, unknown>).cmd = ['slipway'];
    expect(schemaErrors('Deployment', unknownContainerField).join('\n')).toContain('"additionalProperty":"cmd"');

    const wrongApiVersion = { ...clone(plain.service), apiVersion: 'apps/v1' };
    expect(schemaErrors('Service', wrongApiVersion).join('\n')).toContain('/apiVersion must be equal to one of the allowed values');

    const portAsObject = clone(plain.service);
    (at(portAsObject, 'spec', 'ports', 0) as Record<string, unknown>).port = { number: 80 };
    expect(schemaErrors('Service', portAsObject).join('\n')).toContain('/spec/ports/0/port must be integer');

    const hpaWrongKind = { ...clone(scaled.hpa as Manifest), kind: 'Deployment' };
    expect(schemaErrors('HorizontalPodAutoscaler', hpaWrongKind).join('\n')).toContain('/kind must be equal to one of the allowed values');

    const hpaNoMax = clone(scaled.hpa as Manifest);
    delete (at(hpaNoMax, 'spec') as Record<string, unknown>).maxReplicas;
    expect(schemaErrors('HorizontalPodAutoscaler', hpaNoMax).join('\n')).toContain("must have required property 'maxReplicas'");

    const isvcMinAsString = clone(plain.inferenceService);
    (at(isvcMinAsString, 'spec', 'predictor') as Record<string, unknown>).minReplicas = '2';
    expect(schemaErrors('InferenceService', isvcMinAsString).join('\n')).toContain('/spec/predictor/minReplicas must be integer');

    const isvcUnknownField = clone(plain.inferenceService);
    (at(isvcUnknownField, 'spec', 'predictor') as Record<string, unknown>).replicas = 2;
    expect(schemaErrors('InferenceService', isvcUnknownField).join('\n')).toContain('"additionalProperty":"replicas"');

    const isvcBadMetric = clone(scaled.inferenceService);
    (at(isvcBadMetric, 'spec', 'predictor') as Record<string, unknown>).scaleMetric = 'gpu';
    expect(schemaErrors('InferenceService', isvcBadMetric).join('\n')).toContain('/spec/predictor/scaleMetric must be equal to one of the allowed values');

    const isvcNoPredictor = { ...clone(plain.inferenceService), spec: {} };
    expect(schemaErrors('InferenceService', isvcNoPredictor).join('\n')).toContain("must have required property 'predictor'");
  });

  it('wires the Deployment, Service and probes together', () => {
    const d = plain.deployment;
    const container = at(d, 'spec', 'template', 'spec', 'containers', 0);
    const podLabels = at(d, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    expect(at(d, 'metadata', 'name')).toBe('churn');
    expect(at(d, 'spec', 'replicas')).toBe(2);
    expect(podLabels).toEqual({
      'app.kubernetes.io/name': 'churn', 'app.kubernetes.io/version': '3', 'app.kubernetes.io/component': 'model-server',
      'app.kubernetes.io/managed-by': 'slipway', 'slipway.dev/model': 'churn', 'slipway.dev/model-version': '3',
    });
    // The selector picks these pods and stays the same for the next version (selectors are immutable).
    expect(at(d, 'spec', 'selector', 'matchLabels')).toEqual({ 'app.kubernetes.io/name': 'churn' });
    expect(at(plain.service, 'spec', 'selector')).toEqual(at(d, 'spec', 'selector', 'matchLabels'));
    expect(at(plain.service, 'spec', 'type')).toBe('ClusterIP');
    expect(at(plain.service, 'spec', 'ports')).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(at(container, 'ports')).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(at(container, 'image')).toBe('slipway-churn:3');
    expect([at(container, 'command'), at(container, 'args')]).toEqual([
      ['slipway'], ['serve', '--model', '/models/model.onnx', '--name', 'churn', '--host', '0.0.0.0', '--port', '8080'],
    ]);
    expect(at(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(at(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(at(container, 'resources')).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(at(container, 'securityContext')).toMatchObject({
      runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] },
    });
    expect(at(d, 'spec', 'template', 'metadata', 'annotations')).toEqual({
      'slipway.dev/model-uri': 'models:/churn/3', 'slipway.dev/model-sha256': 'a'.repeat(64),
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics',
    });
    expect(plain.hpa).toBeUndefined();
  });

  it('autoscales with an HPA on the Deployment and KServe’s own bounds', () => {
    expect(at(scaled.deployment, 'spec')).not.toHaveProperty('replicas'); // the HPA owns the count
    expect(at(scaled.hpa, 'spec', 'scaleTargetRef')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: at(scaled.deployment, 'metadata', 'name') });
    expect([at(scaled.hpa, 'spec', 'minReplicas'), at(scaled.hpa, 'spec', 'maxReplicas')]).toEqual([2, 8]);
    expect(at(scaled.hpa, 'spec', 'metrics', 0, 'resource')).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
    expect(at(scaled.inferenceService, 'spec', 'predictor')).toMatchObject({ minReplicas: 2, maxReplicas: 8, scaleMetric: 'cpu', scaleTarget: 60 });
    expect(at(plain.inferenceService, 'spec', 'predictor')).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
  });

  it('gives KServe a custom predictor it recognises: kserve-container, PROTOCOL=v2, one http1 port', () => {
    const c = at(plain.inferenceService, 'spec', 'predictor', 'containers', 0);
    expect(at(c, 'name')).toBe('kserve-container');
    expect(at(c, 'env')).toEqual([{ name: 'PROTOCOL', value: 'v2' }]);
    expect(at(c, 'ports')).toEqual([{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    expect(at(c, 'args')).toEqual(at(plain.deployment, 'spec', 'template', 'spec', 'containers', 0, 'args'));
    expect(at(c, 'readinessProbe', 'httpGet')).toEqual({ path: '/v2/health/ready', port: 8080 });
    expect(at(plain.inferenceService, 'apiVersion')).toBe('serving.kserve.io/v1beta1');
  });

  it('carries every option through and stays valid', () => {
    const m = buildManifests({
      modelName: 'Fraud Detector', version: '12', image: 'registry.example.com/fraud:12', port: 9000, replicas: 3,
      resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi' } },
    });
    const c = at(m.deployment, 'spec', 'template', 'spec', 'containers', 0);
    expect(at(m.deployment, 'metadata', 'name')).toBe('fraud-detector');
    expect(at(m.deployment, 'spec', 'replicas')).toBe(3);
    expect(at(c, 'image')).toBe('registry.example.com/fraud:12');
    expect(at(c, 'ports', 0, 'containerPort')).toBe(9000);
    expect(at(c, 'args')).toEqual(['serve', '--model', MODEL_PATH, '--name', 'Fraud Detector', '--host', '0.0.0.0', '--port', '9000']);
    expect(at(c, 'resources')).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(at(m.deployment, 'spec', 'template', 'metadata', 'labels', 'slipway.dev/model')).toBe('Fraud-Detector');
    expect(at(m.deployment, 'spec', 'template', 'metadata', 'annotations', 'prometheus.io/port')).toBe('9000');
    expect(at(m.inferenceService, 'spec', 'predictor', 'containers', 0, 'ports', 0, 'containerPort')).toBe(9000);
    expect(schemaErrors('Deployment', m.deployment)).toEqual([]);
    expect(schemaErrors('Service', m.service)).toEqual([]);
    expect(schemaErrors('InferenceService', m.inferenceService)).toEqual([]);
  });
});

describe('names and options', () => {
  it('makes DNS-1035 names and valid label values', () => {
    expect(kubernetesName('Churn_Model v2')).toBe('churn-model-v2');
    expect(kubernetesName('2024-fraud')).toBe('model-2024-fraud');
    expect(kubernetesName('--édition--')).toBe('dition');
    const long = kubernetesName(`a${'-b'.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(invalidCode(() => kubernetesName('___')).message).toContain('no letters or digits');
    expect(labelValue('a b/c.')).toBe('a-b-c');
    expect(labelValue('x'.repeat(80))).toHaveLength(63);
  });

  it('parses Kubernetes quantities and refuses typos', () => {
    expect(parseQuantity('--cpu', '250m')).toBe(0.25);
    expect(parseQuantity('--memory', '512Mi')).toBe(512 * 2 ** 20);
    expect(parseQuantity('--memory', '1e3')).toBe(1000);
    expect(parseQuantity('--memory', '2G')).toBe(2e9);
    expect(invalidCode(() => parseQuantity('--memory', '512MB')).message).toContain("--memory expects a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi, got '512MB'");
    expect(invalidCode(() => parseQuantity('--cpu', '0')).message).toContain('more than zero');
  });

  it.each<[string, Parameters<typeof buildManifests>[0], string]>([
    ['min above max', { modelName: 'm', version: '1', autoscale: { min: 5, max: 2 } }, "maximum (2) must be an integer no smaller than its minimum (5)"],
    ['zero min', { modelName: 'm', version: '1', autoscale: { min: 0, max: 2 } }, 'at least 1 pod'],
    ['CPU target over 100', { modelName: 'm', version: '1', autoscale: { min: 1, max: 2, targetCpuPercent: 150 } }, '1..100, got 150'],
    ['port 0', { modelName: 'm', version: '1', port: 0 }, 'port must be an integer in 1..65535'],
    ['zero replicas', { modelName: 'm', version: '1', replicas: 0 }, 'Replicas must be a positive integer'],
    ['request over limit', { modelName: 'm', version: '1', resources: { requests: { cpu: '2' } } }, 'The cpu request 2 is more than its limit 1'],
    ['bad memory', { modelName: 'm', version: '1', resources: { limits: { memory: 'lots' } } }, "got 'lots'"],
    ['non-numeric version', { modelName: 'm', version: 'v1' }, "must be a number such as 3, got 'v1'"],
    ['unusable name', { modelName: '%%%', version: '1' }, 'no letters or digits'],
    ['image with spaces', { modelName: 'm', version: '1', image: 'my image' }, "'my image' is empty or has spaces"],
  ])('refuses %s', (_label, options, message) => {
    const err = invalidCode(() => buildManifests(options));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain(message);
  });
});
