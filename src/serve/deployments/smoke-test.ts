/**
 * Smoke tests: before a version takes traffic it must answer known requests with known answers.
 * The cases come from a file (`--smoke FILE`) or, by default, from the sample of its evaluation data
 * that the evaluate stage stores with the predictions it saw (`evaluation/smoke-sample.json`), so
 * the check is "this runtime, with these bytes, still predicts what was evaluated".
 *
 * File format (JSON): one case or a list of them,
 *   {"inputs": {"age": [39, 50], "workclass": ["Private", null]}, "expected": ["<=50K", ">50K"]}
 *   {"cases": [{"inputs": ..., "expected": [...], "tolerance": 1e-4}, ...]}
 * `expected` holds labels for a classifier and numbers for a regressor; numbers match within
 * `tolerance` relative to max(1, |expected|) (default 1e-4: float32 in the runtime).
 * A classifier case may add `"probabilities": [[p1, p2], ...]`; then a label may differ only where
 * the expected top two probabilities are within the tolerance (a tie the runtime may break either way).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { invalid } from '../../errors.js';
import type { Predictions } from '../../train/index.js';
import { coerceColumns, type InferenceModel } from '../inference-model.js';

const DEFAULT_TOLERANCE = 1e-4;
const MAX_REPORTED = 5;

const caseSchema = z.strictObject({
  inputs: z.record(z.string(), z.array(z.unknown())),
  expected: z.array(z.union([z.string(), z.number()])),
  probabilities: z.array(z.array(z.number())).optional(),
  tolerance: z.number().positive().optional(),
});
const fileSchema = z.union([caseSchema, z.strictObject({ cases: z.array(caseSchema).min(1) })]);

export type SmokeCase = z.infer<typeof caseSchema>;
export interface SmokeCases {
  readonly cases: readonly SmokeCase[];
}

export interface SmokeResult {
  readonly passed: boolean;
  readonly rows: number;
  readonly mismatches: number;
  /** The first few mismatches, each saying case, row, expected and got. */
  readonly failures: readonly string[];
}

/** Parses smoke cases from JSON text; `where` names the source in errors. */
export function parseSmokeCases(text: string, where: string): SmokeCases {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(`${where}: not JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${where}: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'not a smoke test file'}`);
  }
  const cases = 'cases' in parsed.data ? parsed.data.cases : [parsed.data];
  cases.forEach((c, i) => {
    const rows = c.expected.length;
    for (const [name, values] of Object.entries(c.inputs)) {
      if (values.length !== rows) throw invalid(`${where}: case ${i}: input '${name}' has ${values.length} values but 'expected' has ${rows}`);
    }
    if (c.probabilities && c.probabilities.length !== rows) throw invalid(`${where}: case ${i}: 'probabilities' has ${c.probabilities.length} rows, 'expected' ${rows}`);
  });
  return { cases };
}

export async function readSmokeFile(path: string): Promise<SmokeCases> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw invalid(`cannot read the smoke test file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSmokeCases(text, path);
}

/** Runs every case through `model` (its real runtime path) and compares. Never throws for a mismatch. */
export async function runSmokeTest(model: InferenceModel, smoke: SmokeCases): Promise<SmokeResult> {
  const failures: string[] = [];
  let rows = 0;
  let mismatches = 0;
  const fail = (message: string) => {
    mismatches++;
    if (failures.length < MAX_REPORTED) failures.push(message);
  };
  for (const [i, c] of smoke.cases.entries()) {
    rows += c.expected.length;
    let predictions: Predictions;
    try {
      const { columns, rows: n } = coerceColumns(model, c.inputs);
      predictions = await model.predict(columns, n);
    } catch (err) {
      fail(`case ${i}: the model could not predict: ${(err as Error).message}`);
      mismatches += c.expected.length - 1;
      continue;
    }
    compareCase(model, c, predictions, (row, message) => fail(`case ${i} row ${row}: ${message}`));
  }
  return { passed: mismatches === 0, rows, mismatches, failures };
}

function compareCase(model: InferenceModel, c: SmokeCase, p: Predictions, fail: (row: number, message: string) => void): void {
  const tolerance = c.tolerance ?? DEFAULT_TOLERANCE;
  const close = (want: number, got: number) => Math.abs(want - got) <= tolerance * Math.max(1, Math.abs(want));
  if (model.model.task === 'regression') {
    c.expected.forEach((want, r) => {
      const got = p.values?.[r];
      if (typeof want !== 'number' || got === undefined || !close(want, got)) fail(r, `expected ${JSON.stringify(want)}, got ${got}`);
    });
    return;
  }
  const k = model.model.classes?.length ?? 0;
  c.expected.forEach((want, r) => {
    const got = p.labels?.[r];
    const wantProbs = c.probabilities?.[r];
    if (wantProbs) {
      const gotProbs = p.probabilities?.slice(r * k, (r + 1) * k) ?? [];
      const off = wantProbs.findIndex((w, j) => !close(w, gotProbs[j] ?? Number.NaN));
      if (off >= 0) return fail(r, `probability of '${model.model.classes?.[off]}' expected ${wantProbs[off]}, got ${gotProbs[off]}`);
    }
    if (String(want) === got) return;
    if (wantProbs && isTie(wantProbs, tolerance)) return;
    fail(r, `expected ${JSON.stringify(String(want))}, got ${JSON.stringify(got)}`);
  });
}

function isTie(probabilities: readonly number[], tolerance: number): boolean {
  const sorted = [...probabilities].sort((a, b) => b - a);
  return sorted.length > 1 && (sorted[0] as number) - (sorted[1] as number) <= tolerance;
}

/** A smoke sample from evaluated rows: every `step`-th row, with the predictions the evaluator made. */
export function sampleSmokeCases(columns: Readonly<Record<string, readonly unknown[]>>, predictions: Predictions, classes: readonly string[] | undefined, maxRows = 100): SmokeCases {
  const total = predictions.labels?.length ?? predictions.values?.length ?? 0;
  const step = Math.max(1, Math.ceil(total / maxRows));
  const picked: number[] = [];
  for (let r = 0; r < total; r += step) picked.push(r);
  const inputs = Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, picked.map((r) => values[r] ?? null)]));
  if (predictions.values) return { cases: [{ inputs, expected: picked.map((r) => predictions.values?.[r] ?? Number.NaN) }] };
  const k = classes?.length ?? 0;
  const probs = predictions.probabilities;
  return {
    cases: [{
      inputs,
      expected: picked.map((r) => predictions.labels?.[r] ?? ''),
      ...(probs ? { probabilities: picked.map((r) => Array.from(probs.subarray(r * k, (r + 1) * k))) } : {}),
    }],
  };
}
