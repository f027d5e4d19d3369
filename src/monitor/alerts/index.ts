export type { Alert, AlertEvent, AlertEventName, AlertState } from './alert-event.js';
export type {
  AlertAction, AlertCondition, AlertRule, Comparison, LogAction, LogLevelName, RetrainAction, WebhookAction,
} from './alert-rules.js';
export { alertRuleSchema, alertRulesSchema, isHttpUrl, parseAlertRules } from './alert-rules.js';
export type { AlertTransitions, EvaluatedAlerts, ListAlertsOptions } from './alert-state.js';
export { applyAlertTransitions, evaluateAlerts, listAlerts } from './alert-state.js';
export type { RuleState, RuleVerdict } from './evaluate-rule.js';
export { evaluateRule } from './evaluate-rule.js';
export type { MonitorSnapshot, SnapshotColumnDrift, SnapshotCounts } from './monitor-snapshot.js';
export type { ActionContext, ActionResult, AlertLogger, RetrainOutcome, RetrainRequest } from './run-actions.js';
export { runActions } from './run-actions.js';
export type { AlertWebhookBody, WebhookAttempt, WebhookDelivery, WebhookOptions } from './webhook.js';
export {
  alertWebhookBody, parseRetryAfter, postWebhook, sendWebhookOnce, signWebhookBody, verifyWebhookSignature, webhookRetryDelay,
} from './webhook.js';
