/**
 * Open Inference Protocol v2 (KServe V2 / Triton / MLServer) over JSON. Every input is validated
 * before the runtime sees it, so a malformed request is a 400 for that request alone and never
 * reaches (or fails) a merged micro-batch.
 */
import { VERSION } from '../version.js';
import { OUTPUT_LABEL, OUTPUT_PROBABILITIES, OUTPUT_VALUE, type InferenceModel } from './inference-model.js';
import type { Columns } from './micro-batcher.js';
import type { Endpoint } from './endpoint.js';
import { type EndpointTable, HttpError, isRecord, parseJson, type Reply, type RequestContext, type Route, type RouteTable } from './routing.js';

export function oipRoutes(endpoints: EndpointTable): RouteTable {
  const ok: Reply = { status: 200, body: { live: true } };
  const live: Route = { GET: () => ok };
  const ready: Route = { GET: () => ({ status: 200, body: { ready: endpoints.isReady() } }) };
  const server: Route = { GET: () => ({ status: 200, body: { name: 'slipway', version: VERSION, extensions: [] } }) };

  function endpoint(name: string): Endpoint {
    const e = endpoints.get(name);
    if (!e) throw new HttpError(404, `unknown model '${name}'`);
    return e;
  }
  function model(name: string, version: string | undefined): InferenceModel {
    const e = endpoint(name);
    const m = version === undefined ? e.current() : e.get(version);
    if (!m) throw new HttpError(404, version === undefined ? `model '${name}' has no version loaded` : `unknown model '${name}' version '${version}'`);
    return m;
  }

  return {
    protocol: 'v2',
    match(path) {
      if (path === '/v2/health/live') return live;
      if (path === '/v2/health/ready') return ready;
      if (path === '/v2' || path === '/v2/') return server;
      if (!path.startsWith('/v2/models/')) return undefined;
      // /v2/models/{m}[/versions/{v}][/ready|/infer]
      const parts = path.slice('/v2/models/'.length).split('/').map(decodeURIComponent);
      const name = parts[0];
      if (!name) return undefined;
      let version: string | undefined;
      let rest = parts.slice(1);
      if (rest[0] === 'versions') {
        if (!rest[1]) return undefined;
        version = rest[1];
        rest = rest.slice(2);
      }
      if (rest.length === 0) return { GET: () => ({ status: 200, body: metadata(name, model(name, version), endpoint(name)) }) };
      if (rest.length !== 1) return undefined;
      if (rest[0] === 'ready') {
        return {
          GET: () => {
            const isReady = version === undefined ? endpoint(name).isReady() : model(name, version).isReady();
            return { status: isReady ? 200 : 503, body: { name, ready: isReady } };
          },
        };
      }
      if (rest[0] === 'infer') return { POST: (ctx) => infer(endpoint(name), version, ctx) };
      return undefined;
    },
    errorBody: (_status, message) => ({ error: message }),
  };
}

function metadata(name: string, m: InferenceModel, e: Endpoint) {
  return { name, versions: e.versions(), platform: 'onnx', inputs: m.inputs, outputs: m.outputs };
}

async function infer(e: Endpoint, version: string | undefined, ctx: RequestContext): Promise<Reply> {
  const body = parseJson(ctx.body);
  if (!isRecord(body)) throw new HttpError(400, 'the request body must be a JSON object');
  const id = body.id === undefined ? ctx.requestId : String(body.id as string);
  let wanted: Set<string> | undefined;
  const served = await e.serve(ctx, (m) => {
    const prepared = readInputs(m, body.inputs);
    wanted = readRequestedOutputs(m, body.outputs);
    return prepared;
  }, version);
  const { model: m, predictions: p, rows } = served;
  const outputs: unknown[] = [];
  for (const o of m.outputs) {
    if (wanted && !wanted.has(o.name)) continue;
    if (o.name === OUTPUT_LABEL) outputs.push({ name: o.name, datatype: 'BYTES', shape: [rows], data: p.labels ?? [] });
    else if (o.name === OUTPUT_PROBABILITIES) {
      const k = m.model.classes?.length ?? 0;
      outputs.push({ name: o.name, datatype: 'FP32', shape: [rows, k], data: Array.from(p.probabilities ?? []) });
    } else if (o.name === OUTPUT_VALUE) outputs.push({ name: o.name, datatype: 'FP32', shape: [rows, 1], data: Array.from(p.values ?? []) });
  }
  return {
    status: 200, requestId: id, served: { endpoint: e.name, model: m.name, version: m.version },
    body: { model_name: e.name, model_version: m.version, id, outputs },
  };
}

function readRequestedOutputs(m: InferenceModel, outputs: unknown): Set<string> | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs)) throw new HttpError(400, "'outputs' must be a list");
  const names = new Set<string>();
  for (const o of outputs) {
    const name = isRecord(o) ? o.name : undefined;
    if (typeof name !== 'string') throw new HttpError(400, "every requested output needs a 'name'");
    if (!m.outputs.some((x) => x.name === name)) throw new HttpError(400, `unknown output '${name}'; the model has ${m.outputs.map((x) => x.name).join(', ')}`);
    names.add(name);
  }
  return names;
}

/** Validates the `inputs` list against the model and returns one array per input column. */
export function readInputs(m: InferenceModel, inputs: unknown): { columns: Columns; rows: number } {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new HttpError(400, "'inputs' must be a non-empty list");
  const columns: Columns = {};
  let rows: number | undefined;
  let firstName = '';
  for (const input of inputs) {
    if (!isRecord(input) || typeof input.name !== 'string') throw new HttpError(400, "every input needs a 'name'");
    const name = input.name;
    const meta = m.inputByName.get(name);
    if (!meta) throw new HttpError(400, `unknown input '${name}'; the model takes ${m.inputs.map((i) => i.name).join(', ')}`);
    if (columns[name]) throw new HttpError(400, `input '${name}' is given twice`);
    if (input.datatype !== meta.datatype) throw new HttpError(400, `input '${name}' has datatype ${String(input.datatype)}, expected ${meta.datatype}`);
    const shape = input.shape;
    if (!Array.isArray(shape) || shape.length === 0 || shape.length > 2 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new HttpError(400, `input '${name}' has shape ${JSON.stringify(shape)}, expected [N] or [N, 1]`);
    }
    if (shape.length === 2 && shape[1] !== 1) throw new HttpError(400, `input '${name}' has shape ${JSON.stringify(shape)}, expected [N, 1]`);
    const n = shape[0] as number;
    const data = flatten(input.data, name);
    if (data.length !== n) throw new HttpError(400, `input '${name}' has ${data.length} elements, but its shape ${JSON.stringify(shape)} says ${n}`);
    const want = meta.datatype === 'FP32' ? 'number' : 'string';
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (typeof v !== want || (want === 'number' && !Number.isFinite(v))) {
        throw new HttpError(400, `input '${name}' is ${meta.datatype}, but element ${i} is ${JSON.stringify(v)}`);
      }
    }
    if (rows !== undefined && n !== rows) throw new HttpError(400, `input '${name}' has ${n} rows, but '${firstName}' has ${rows}`);
    if (rows === undefined) firstName = name;
    rows = n;
    columns[name] = data;
  }
  for (const meta of m.inputs) if (!columns[meta.name]) throw new HttpError(400, `missing input '${meta.name}'`);
  return { columns, rows: rows ?? 0 };
}

/** Row-major data, flat or nested, as one flat array (flat data is used as is: the common case). */
function flatten(data: unknown, name: string): unknown[] {
  if (!Array.isArray(data)) throw new HttpError(400, `input '${name}' needs a 'data' list`);
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(data);
  return out;
}
