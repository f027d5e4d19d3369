import { type ModelStage, type ModelVersion, unmetRequirements } from '../../registry/index.js';
import type { MlflowCall } from './mlflow-router.js';
import { MlflowApiError } from './mlflow-errors.js';

/**
 * Slipway's rule over plain MLflow: a protected alias (slipway.yaml `registry.aliases`) is moved,
 * removed, or taken away by deleting its version only by an approver; MLflow's Production stage
 * counts as the alias `production`. Unprotected aliases and other stages behave as in MLflow.
 */

/** The alias MLflow's Production stage stands for. */
export const PRODUCTION_ALIAS = 'production';

export function requireApprover(call: MlflowCall, action: string): void {
  if (call.ctx.canApprove(call.principal)) return;
  throw new MlflowApiError(
    'PERMISSION_DENIED',
    `${call.principal.name} (role ${call.principal.role}) cannot ${action}: it is protected, and only approvers may change it.`,
  );
}

/** Whether moving a version into or out of `stage` touches the protected Production stage. */
export function isProtectedStage(call: MlflowCall, stage: ModelStage): boolean {
  return stage === 'Production' && call.ctx.isProtectedAlias(PRODUCTION_ALIAS);
}

/** The protected things a version holds: its protected aliases, and the Production stage when protected. */
export function protectedHoldings(call: MlflowCall, v: ModelVersion): string[] {
  const held = v.aliases.filter((a) => call.ctx.isProtectedAlias(a)).map((a) => `@${a}`);
  if (isProtectedStage(call, v.current_stage)) held.push('stage Production');
  return held;
}

/** Refuses a move into stage Production that the `production` alias's policy would refuse (gate, approval). */
export async function requireProductionPolicy(call: MlflowCall, name: string, version: string): Promise<void> {
  const missing = await unmetRequirements(call.store, name, version, PRODUCTION_ALIAS, call.ctx.aliasPolicy(PRODUCTION_ALIAS));
  if (missing.length) {
    throw new MlflowApiError('PERMISSION_DENIED', `Cannot move ${name} version ${version} to stage Production: ${missing.join('; ')}.`);
  }
}
