export type { AuditEntry } from './record-audit.js';
export { recordAudit } from './record-audit.js';
export type { AuditRecord, ListAuditOptions } from './list-audit.js';
export { listAudit } from './list-audit.js';
