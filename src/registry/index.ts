export type { Approval, ModelStage, ModelTransition, ModelVersion, RegisteredModel } from './types.js';
export { MODEL_STAGES } from './types.js';
export type { CreateModelOptions, ListModelsOptions } from './models.js';
export {
  checkModelName, createRegisteredModel, deleteRegisteredModel, deleteRegisteredModelTag, getRegisteredModel,
  hasRegisteredModel, listRegisteredModels, renameRegisteredModel, setRegisteredModelTag, updateRegisteredModel,
} from './models.js';
export type { CreateVersionOptions, SearchVersionsOptions } from './versions.js';
export {
  checkStage, createModelVersion, deleteModelVersion, deleteModelVersionTag, getModelVersion, parseRunArtifactUri,
  searchModelVersions, setModelVersionTag, updateModelVersion,
} from './versions.js';
export type { MoveOptions, TransitionOptions } from './aliases.js';
export { checkAlias, deleteAlias, getVersionByAlias, setAlias, transitionStage } from './aliases.js';
export type { ApproveOptions } from './approvals.js';
export { approveVersion, isApproved, listApprovals } from './approvals.js';
export type { HistoryOptions } from './history.js';
export { aliasAt, modelHistory } from './history.js';
export type { ModelUri } from './model-uri.js';
export { parseModelUri, resolveModelUri } from './model-uri.js';
export { parseVersion } from './read-versions.js';
export type { Blessing, RecordBlessingInput } from './blessings.js';
export { isBlessed, listBlessings, recordBlessing } from './blessings.js';
export type { AliasPolicy } from './promote.js';
export { promote, unmetRequirements } from './promote.js';
export type { NumberOp, RegistryClause, RegistryOrder, RegistryPage, RegistrySearchOptions, TextOp } from './search-registry.js';
export { searchModelVersionsPage, searchRegisteredModelsPage } from './search-registry.js';
export { aliasPolicyFromConfig } from './alias-policy.js';
export { modelCard } from './model-card.js';
