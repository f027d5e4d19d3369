/**
 * Connects endpoints to the payload log: a `PredictionObserver` that turns each prediction event
 * into a `PayloadRecord`. Requests rejected before the runtime (400s) never reach observers; log
 * those with `log.record` directly if wanted.
 */
import type { PredictionEvent, PredictionObserver } from './endpoint.js';
import { OUTPUT_LABEL, OUTPUT_PROBABILITIES, OUTPUT_VALUE } from './inference-model.js';
import type { PayloadLog } from './payload-log.js';
import type { PayloadRecord } from './payload-rows.js';

/** The record of one prediction event: status 200 with the predictions, or 500 with the runtime's error. */
export function payloadRecordOf(e: PredictionEvent): PayloadRecord {
  const outputs: Record<string, readonly unknown[] | ArrayLike<number>> = {};
  const p = e.predictions;
  if (p?.labels) outputs[OUTPUT_LABEL] = p.labels;
  if (p?.probabilities) outputs[OUTPUT_PROBABILITIES] = p.probabilities;
  if (p?.values) outputs[OUTPUT_VALUE] = p.values;
  return {
    requestId: e.requestId,
    time: e.time,
    deployment: e.endpoint,
    model: e.model.name,
    version: e.model.version,
    role: e.role,
    inputs: e.columns,
    outputs,
    latencyMs: e.latencyMs,
    status: p ? 200 : 500,
    ...(p ? {} : { error: e.error instanceof Error ? e.error.message : String(e.error) }),
  };
}

/** Logs every prediction event into `log` (which samples and buffers; this never blocks). */
export function payloadObserver(log: Pick<PayloadLog, 'record'>): PredictionObserver {
  return (event) => log.record(payloadRecordOf(event));
}
