import type { CallResult, TestServer } from './server-fixture.js';

/** Helpers for the MLflow tracking route tests: paths, MLflow's error bodies, and entities made over HTTP. */

export const API = '/api/2.0/mlflow/';

const DOCS = ' See the API docs for more information about request parameters.';

/** MLflow's error body. */
export const mlflowError = (error_code: string, message: string) => ({ error_code, message });

/** The body MLflow's handlers send for a required parameter that is absent or empty. */
export const missingParam = (name: string) => mlflowError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.${DOCS}`);

/** The body MLflow's handlers send for a parameter of the wrong type (`shown` as Python prints it). */
export const badParam = (name: string, shown: string, pyType: string) =>
  mlflowError('INVALID_PARAMETER_VALUE', `Invalid value ${shown} for parameter '${name}' supplied. Hint: Value was of type '${pyType}'.${DOCS}`);

export const runNotFound = (id: string) => mlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${id} not found`);
export const experimentNotFound = (id: string) => mlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);

/** Fails with the whole answer when it is not a 200, so a broken setup call says why. */
export function ok(r: CallResult): CallResult {
  if (r.status !== 200) throw new Error(`expected 200, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

export async function newExperiment(s: TestServer, name: string): Promise<string> {
  return ok(await s.call('POST', `${API}experiments/create`, { name })).body.experiment_id as string;
}

export async function newRun(s: TestServer, experimentId: string, body: Record<string, unknown> = {}): Promise<string> {
  return ok(await s.call('POST', `${API}runs/create`, { experiment_id: experimentId, ...body })).body.run.info.run_id as string;
}

export async function getRunBody(s: TestServer, runId: string) {
  return ok(await s.call('GET', `${API}runs/get`, { run_id: runId })).body.run;
}
