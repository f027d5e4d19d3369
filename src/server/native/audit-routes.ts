/** The append-only audit trail: who did what to which subject, when and why. */
import { z } from 'zod';
import { invalid } from '../../errors.js';
import { listAudit } from '../../audit/index.js';
import { AnyJson, EpochMs, TimeQuery } from './common-schemas.js';
import { route, type NativeRoute } from './native-route.js';
import { beforeIdOf, DEFAULT_LIMIT, idPage, nextPageToken, pageQuery } from './paging.js';

const AuditEntry = z.object({
  id: z.number().int(),
  time: EpochMs,
  actor: z.string(),
  action: z.string().describe('Dotted verb, e.g. model.promote, deployment.rollback, model_version.approve.'),
  subject_type: z.string().describe('experiment | run | model | model_version | deployment | alert | webhook | …'),
  subject_id: z.string().describe("e.g. 'churn/3', a run id, a deployment name."),
  before: AnyJson.describe('The subject before the change (JSON), or null.'),
  after: AnyJson.describe('The subject after the change (JSON), or null.'),
  reason: z.string(),
}).meta({ id: 'AuditEntry' });

export const auditRoutes: readonly NativeRoute[] = [
  route({
    method: 'GET', path: '/audit', operationId: 'listAudit', tag: 'audit', permission: 'read',
    summary: 'Audit entries, newest first, filtered by subject, actor, action and time',
    query: z.strictObject({
      subject: z.string().min(1).max(500).optional().describe("A subject id: a run id, 'churn' (the model and its versions) or 'churn/3'."),
      subject_type: z.string().min(1).max(64).optional(),
      actor: z.string().min(1).max(256).optional(),
      action: z.string().min(1).max(128).optional().describe("Actions starting with this, e.g. 'model.alias'."),
      since: TimeQuery.optional().describe('Entries at or after this time (epoch ms).'),
      until: TimeQuery.optional().describe('Entries before this time (epoch ms).'),
      ...pageQuery,
    }),
    response: z.object({ entries: z.array(AuditEntry), next_page_token: nextPageToken }),
    handler: async ({ store, query }) => {
      if (query.since !== undefined && query.until !== undefined && query.until <= query.since) throw invalid("Invalid query parameter 'until': it must be after 'since'.");
      const beforeId = beforeIdOf(query);
      const rows = await listAudit(store.db, {
        limit: (query.limit ?? DEFAULT_LIMIT) + 1,
        ...(query.subject ? { subject: query.subject } : {}), ...(query.subject_type ? { subjectType: query.subject_type } : {}),
        ...(query.actor ? { actor: query.actor } : {}), ...(query.action ? { action: query.action } : {}),
        ...(query.since !== undefined ? { since: query.since } : {}), ...(query.until !== undefined ? { until: query.until } : {}),
        ...(beforeId !== undefined ? { beforeId } : {}),
      });
      const page = idPage(rows, query);
      return { entries: page.items, next_page_token: page.next_page_token };
    },
  }),
];
