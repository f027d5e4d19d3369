/** Answer schemas of the registry routes, in the registry's (MLflow's) field names. */
import { z } from 'zod';
import { AnyJson, EpochMs, JsonNumber, KeyValue } from './common-schemas.js';

export const ModelVersion = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: EpochMs,
  last_updated_timestamp: EpochMs,
  user_id: z.string(),
  current_stage: z.enum(['None', 'Staging', 'Production', 'Archived']),
  description: z.string(),
  source: z.string(),
  run_id: z.string(),
  status: z.enum(['READY', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION']),
  status_message: z.string(),
  tags: z.array(KeyValue),
  aliases: z.array(z.string()),
  blob: z.object({ hash: z.string(), size: z.number().int(), kind: z.enum(['file', 'directory']) }).describe("The version's bytes by sha256, pinned at registration."),
}).meta({ id: 'ModelVersion' });

export const RegisteredModel = z.object({
  name: z.string(),
  description: z.string(),
  creation_timestamp: EpochMs,
  last_updated_timestamp: EpochMs,
  tags: z.array(KeyValue),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })),
  latest_versions: z.array(ModelVersion).describe('The newest version per stage.'),
}).meta({ id: 'RegisteredModel' });

export const Approval = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.string(),
  target: z.string().describe('The alias the decision is for.'),
  approver: z.string(),
  decision: z.enum(['approved', 'rejected']),
  comment: z.string(),
  time: EpochMs,
}).meta({ id: 'Approval' });

export const Blessing = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.string(),
  target: z.string().describe('The alias the gate was run for.'),
  baseline_version: z.string().nullable().describe('The version compared with on the same rows, if any.'),
  passed: z.boolean(),
  rules: AnyJson.describe("Each rule's outcome: metric, candidate, baseline, bound, status, message."),
  run_id: z.string().nullable(),
  actor: z.string(),
  time: EpochMs,
}).meta({ id: 'Blessing' });

export const ModelTransition = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['alias', 'stage']),
  target: z.string().describe('The alias or stage.'),
  version: z.string().nullable().describe('Null when an alias was removed.'),
  previous_version: z.string().nullable(),
  actor: z.string(),
  reason: z.string(),
  time: EpochMs,
}).meta({ id: 'ModelTransition' });

const RunRef = z.object({
  run_id: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  status: z.string(),
  start_time: EpochMs,
  end_time: EpochMs.nullable(),
});

export const DataRef = z.object({
  name: z.string(),
  digest: z.string().describe('sha256 of the data (file bytes or a folder manifest).'),
  context: z.string().describe('training | evaluation | input | output | …'),
  source: z.string(),
  size: z.number().int().nullable(),
}).meta({ id: 'DataRef' });

export const Lineage = z.object({
  run: RunRef.nullable().describe('The run that produced the version (its pipeline stage), if linked.'),
  pipeline_run: RunRef.nullable().describe("The pipeline run (the stage run's parent), if any."),
  code: z.object({ git_commit: z.string(), dirty: z.boolean().nullable().describe('Uncommitted changes when it ran; null when not recorded.') }).nullable(),
  data: z.array(DataRef).describe("The producing run's inputs, by hash."),
  params: z.array(KeyValue),
  metrics: z.array(z.object({ key: z.string(), value: JsonNumber, run_id: z.string() })).describe("The latest metrics of the run and of its pipeline's sibling stages (evaluate, gate)."),
}).meta({ id: 'Lineage' });
