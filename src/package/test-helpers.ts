/**
 * For tests only: validators built from the real systems' schemas in shared/conformance/kubernetes —
 * `$SLIPWAY_SHARED_DIR`, else a `shared` folder beside the project (or beside a folder above it). A
 * clone without one skips the schema suite, and the test run says so loudly (test/global-setup.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { sharedFolder } from '../shared-folder.js';

/** Where the schemas are, or undefined when this checkout has no shared folder. */
const shared = sharedFolder();
export const CONFORMANCE_DIR = shared ? join(shared, 'conformance', 'kubernetes') : undefined;

export type Kind = 'Deployment' | 'Service' | 'HorizontalPodAutoscaler' | 'InferenceService';

const K8S_FILES: Record<Exclude<Kind, 'InferenceService'>, string> = {
  Deployment: 'deployment-apps-v1.json',
  Service: 'service-v1.json',
  HorizontalPodAutoscaler: 'horizontalpodautoscaler-autoscaling-v2.json',
};

/** Kubernetes' OpenAPI formats, checked as the API server reads them. */
function addFormats(ajv: Ajv): void {
  const intIn = (bits: number) => (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1);
  ajv.addFormat('int32', { type: 'number', validate: intIn(32) });
  ajv.addFormat('int64', { type: 'number', validate: intIn(64) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
}

/** x-kubernetes-* annotate schemas for the API server's merge and list logic; they constrain nothing JSON Schema checks. */
function addKubernetesKeywords(ajv: Ajv, names: Iterable<string>): void {
  for (const keyword of names) ajv.addKeyword({ keyword, schemaType: ['boolean', 'string', 'array', 'object'] });
}

function keywordsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) keywordsIn(s, found);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k.startsWith('x-kubernetes-')) found.add(k);
      keywordsIn(v, found);
    }
  }
  return found;
}

function readConformance(file: string): string {
  if (!CONFORMANCE_DIR) throw new Error('no shared/conformance/kubernetes folder: set SLIPWAY_SHARED_DIR or put shared/ beside the project');
  const path = join(CONFORMANCE_DIR, file);
  if (!existsSync(path)) throw new Error(`${path} is missing from the shared conformance folder`);
  return readFileSync(path, 'utf8');
}

function compile(schema: Record<string, unknown>, options: Options): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, ...options });
  addFormats(ajv);
  addKubernetesKeywords(ajv, keywordsIn(schema));
  return ajv.compile(schema);
}

/**
 * The standalone-strict Kubernetes 1.30 schemas (no $ref, additionalProperties false). Their
 * `$schema` is the unversioned "http://json-schema.org/schema#", and they use only keywords whose
 * meaning is the same in draft-04 and draft-07, so Ajv's draft-07 validator reads them in strict mode.
 */
function kubernetesValidator(kind: Exclude<Kind, 'InferenceService'>): ValidateFunction {
  const { $schema: _unversioned, ...schema } = JSON.parse(readConformance(K8S_FILES[kind])) as Record<string, unknown>;
  return compile(schema, { strict: true, allowUnionTypes: true, code: { optimize: false } });
}

/**
 * KServe's CRD: the v1beta1 openAPIV3Schema. Ajv runs non-strict (OpenAPI's dialect is not quite JSON
 * Schema) with x-kubernetes-* as no-op keywords. Two adjustments, both making it stricter, never looser:
 * - Objects with declared properties are closed (additionalProperties: false) unless marked
 *   x-kubernetes-preserve-unknown-fields. `kubectl apply`'s default strict field validation does the
 *   same with a CRD's structural schema: an unknown field is an error, not silently pruned.
 * - Subtrees `slipway package` never writes (status, canary, transformer, explainer, the framework
 *   predictors, workerSpec, initContainers) become `false`: writing one fails the test. Compiling
 *   them would cost seconds (the CRD is 2 MB) and check nothing we write.
 */
function inferenceServiceValidator(): ValidateFunction {
  const crd = parse(readConformance('kserve-inferenceservice-crd.yaml'), { uniqueKeys: false, prettyErrors: false }) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1beta1');
  if (!version) throw new Error('the KServe CRD has no v1beta1 version');
  const root = version.schema.openAPIV3Schema;
  const spec = child(root, 'spec');
  const predictor = child(spec, 'predictor');
  forbid(root, ['status']);
  forbid(spec, ['canary', 'explainer', 'transformer']);
  forbid(predictor, ['workerSpec', 'initContainers', 'model', 'huggingface', 'lightgbm', 'onnx', 'paddle', 'pmml', 'pytorch', 'sklearn', 'tensorflow', 'triton', 'xgboost']);
  return compile(closeObjects(root) as Schema, { strict: false, code: { optimize: false } });
}

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };

function child(schema: Schema, name: string): Schema {
  const s = schema.properties?.[name];
  if (!s) throw new Error(`the KServe schema has no property ${name}`);
  return s;
}

/** Replaces properties by `false`; each must exist, so a changed CRD is noticed rather than half-checked. */
function forbid(schema: Schema, names: readonly string[]): void {
  for (const n of names) {
    child(schema, n);
    (schema.properties as Record<string, unknown>)[n] = false;
  }
}

function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeObjects(s)])) : closeObjects(v);
  }
  if ('properties' in out && !('additionalProperties' in out) && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const cache = new Map<Kind, ValidateFunction>();

/** The validator for `kind`, compiled once per test file. */
export function validatorFor(kind: Kind): ValidateFunction {
  let v = cache.get(kind);
  if (!v) {
    v = kind === 'InferenceService' ? inferenceServiceValidator() : kubernetesValidator(kind);
    cache.set(kind, v);
  }
  return v;
}

/** Schema errors of `manifest` as readable lines; empty when valid. */
export function schemaErrors(kind: Kind, manifest: unknown): string[] {
  const validate = validatorFor(kind);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
