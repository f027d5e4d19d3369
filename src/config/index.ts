/** Pipeline specs: the schema of slipway.yaml, its templating and expansion, params files, stage kinds. */
export { durationParser, type DurationUnits, parseDuration } from './durations.js';
export { type LoadOptions, loadPipeline, type ParseOptions, parsePipeline } from './load-pipeline.js';
export {
  DEFAULT_PARAMS_FILE,
  getParamValue,
  type ParamOverride,
  type ParamsTree,
  parseOverride,
  parseParamsText,
  parseSetArgument,
  readParamsFile,
  requireParamValue,
  setParamValue,
} from './params-files.js';
export type { ReadProjectFile } from './pipeline-context.js';
export type { OutSpec, ParamsRef, PipelineSpec, RetryPolicy, SourceLocation, StageSpec, StageUses } from './pipeline-types.js';
export { DEFAULT_RETRY_POLICY } from './pipeline-types.js';
export { resolveProjectPath } from './project-paths.js';
export { getStageKind, listStageKinds, registerStageKind, type StageKind } from './stage-kinds.js';
export { closest, didYouMean } from './suggest.js';
