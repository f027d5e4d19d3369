/**
 * MLflow's scoring-server protocol (`mlflow models serve`), so clients and tools written for MLflow
 * can score Slipway models unchanged.
 *
 * Predictions: MLflow's sklearn pyfunc calls `predict`, so a classifier answers one label per row
 * and a regressor one number per row; that is the default here too. A body with
 * `"params": {"probabilities": true}` gets `{label, probabilities: {class: p}}` per row instead
 * (Slipway's extension; MLflow passes `params` through to the model).
 */
import { VERSION } from '../version.js';
import { coerceColumns } from './inference-model.js';
import type { Endpoint } from './endpoint.js';
import { type EndpointTable, HttpError, isRecord, parseJson, type Reply, type RequestContext, type RouteTable } from './routing.js';

type Rows = Record<string, readonly unknown[]>;

export function mlflowRoutes(endpoints: EndpointTable): RouteTable {
  const health = { GET: () => ({ status: endpoints.isReady() ? 200 : 503, text: '\n' }) };
  // The MLflow server serves exactly one model: the first endpoint given.
  const model = endpoints.first();
  const routes: Record<string, { GET?: () => Reply; POST?: (ctx: RequestContext) => Promise<Reply> }> = {
    '/ping': health,
    '/health': health,
    '/version': { GET: () => ({ status: 200, text: VERSION }) },
    '/invocations': {
      POST: (ctx) => {
        if (!model) throw new HttpError(404, 'no model is loaded');
        return invocations(model, ctx);
      },
    },
  };
  return {
    protocol: 'mlflow',
    match: (path) => routes[path],
    errorBody: (status, message) => ({ error_code: status === 404 ? 'RESOURCE_DOES_NOT_EXIST' : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message }),
  };
}

async function invocations(e: Endpoint, ctx: RequestContext): Promise<Reply> {
  const type = String(ctx.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  let data: Rows;
  let withProbabilities = false;
  if (type === 'text/csv') data = parseCsv(ctx.body.toString('utf8'));
  else if (type === 'application/json' || type === '') {
    const body = parseJson(ctx.body);
    if (!isRecord(body)) throw new HttpError(400, 'the request body must be a JSON object');
    data = readJsonInput(body);
    withProbabilities = isRecord(body.params) && body.params.probabilities === true;
  } else throw new HttpError(415, `unsupported content type '${type}'; use application/json or text/csv`);
  const { model: m, predictions: p } = await e.serve(ctx, (model) => coerceColumns(model, data));
  const served = { endpoint: e.name, model: m.name, version: m.version };
  if (p.values) return { status: 200, served, body: { predictions: Array.from(p.values) } };
  const labels = p.labels ?? [];
  if (!withProbabilities) return { status: 200, served, body: { predictions: labels } };
  const classes = m.model.classes ?? [];
  const k = classes.length;
  const probs = p.probabilities ?? new Float64Array(0);
  const predictions = labels.map((label, i) => ({
    label,
    probabilities: Object.fromEntries(classes.map((c, j) => [c, probs[i * k + j] as number])),
  }));
  return { status: 200, served, body: { predictions } };
}

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** Exactly one of MLflow's input keys, as columns. */
export function readJsonInput(body: Record<string, unknown>): Rows {
  const present = FORMATS.filter((f) => body[f] !== undefined);
  if (present.length !== 1) {
    throw new HttpError(400, `the body must hold exactly one of ${FORMATS.join(', ')}; it holds ${present.length ? present.join(', ') : 'none'}`);
  }
  const key = present[0] as (typeof FORMATS)[number];
  const value = body[key];
  if (key === 'dataframe_split') {
    if (!isRecord(value) || !Array.isArray(value.columns) || !Array.isArray(value.data)) {
      throw new HttpError(400, "'dataframe_split' needs 'columns' and 'data' lists");
    }
    return splitToColumns(value.columns, value.data);
  }
  if (key === 'inputs' && isRecord(value)) {
    // Columnar: {col: [values]} (a scalar is one row).
    const out: Record<string, unknown[]> = {};
    for (const [c, v] of Object.entries(value)) out[c] = Array.isArray(v) ? v : [v];
    return out;
  }
  if (!Array.isArray(value)) throw new HttpError(400, `'${key}' must be a list of records`);
  return recordsToColumns(value, key);
}

function splitToColumns(columns: unknown[], data: unknown[]): Rows {
  const names = columns.map(String);
  const out: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, new Array<unknown>(data.length)]));
  data.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== names.length) throw new HttpError(400, `dataframe_split row ${i} must be a list of ${names.length} values`);
    names.forEach((n, j) => ((out[n] as unknown[])[i] = row[j]));
  });
  return out;
}

function recordsToColumns(records: unknown[], key: string): Rows {
  const out: Record<string, unknown[]> = {};
  records.forEach((r, i) => {
    if (!isRecord(r)) throw new HttpError(400, `'${key}' item ${i} must be an object of column values`);
    for (const [c, v] of Object.entries(r)) {
      let col = out[c];
      // A column first seen late is missing (null) in the earlier records, as pandas does.
      if (!col) out[c] = col = new Array<unknown>(records.length).fill(null);
      col[i] = v;
    }
  });
  return out;
}

/** RFC 4180 CSV with a header row; empty fields are missing values. */
export function parseCsv(text: string): Rows {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      field = '';
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const header = rows.shift();
  if (!header || header.every((h) => h === '')) throw new HttpError(400, 'the CSV body needs a header row');
  const data = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  return splitToColumns(
    header,
    data.map((r) => r.map((v) => (v === '' ? null : v))),
  );
}
