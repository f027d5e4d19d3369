/**
 * `POST /v1/feedback`: ground-truth labels for served requests, by request id. The body is one item
 * `{"request_id": "…", "label": …}`, a list of them, or `{"feedback": [items]}`; the reply is
 * `{"accepted": n}`. A bad body is a 400 naming the item and field (`feedback[3].request_id is
 * missing`) and stores nothing.
 */
import type { Store } from '../store/index.js';
import { labelProblem, recordFeedback, requestIdProblem, type FeedbackItem } from './feedback.js';
import { HttpError, isRecord, parseJson, type Route, type RouteTable } from './routing.js';

export const FEEDBACK_PATH = '/v1/feedback';
/** Items per request; more should be sent in several requests. */
export const MAX_FEEDBACK_ITEMS = 10_000;

export interface FeedbackRoutesOptions {
  readonly store: Store;
  /** The deployment the server is serving now (read per request: it can change on redeploy). */
  readonly deployment: () => string;
}

export function feedbackRoutes(options: FeedbackRoutesOptions): RouteTable {
  const route: Route = {
    POST: async (ctx) => {
      const items = readFeedback(parseJson(ctx.body));
      const deployment = options.deployment();
      const problem = requestIdProblem(deployment);
      if (problem) throw new Error(`the server's deployment name ${problem}`); // the server's fault: a 500
      const accepted = await recordFeedback(options.store, items, deployment);
      return { status: 200, body: { accepted } };
    },
  };
  return {
    protocol: 'feedback',
    match: (path) => (path === FEEDBACK_PATH ? route : undefined),
    errorBody: (_status, message) => ({ error: message }),
  };
}

/** The body's items, validated; throws a 400 HttpError saying what is wrong and where. */
export function readFeedback(body: unknown): FeedbackItem[] {
  let list: unknown[];
  let at: (i: number) => string;
  if (Array.isArray(body)) {
    list = body;
    at = (i) => `[${i}]`;
  } else if (isRecord(body) && 'feedback' in body) {
    if (!Array.isArray(body.feedback)) throw new HttpError(400, "'feedback' must be a list of {request_id, label}");
    const extra = Object.keys(body).find((k) => k !== 'feedback');
    if (extra !== undefined) throw new HttpError(400, `unknown field '${extra}' beside 'feedback'`);
    list = body.feedback;
    at = (i) => `feedback[${i}]`;
  } else if (isRecord(body)) {
    list = [body];
    at = () => '';
  } else {
    throw new HttpError(400, 'the body must be {"request_id", "label"}, {"feedback": [...]} or a list of such items');
  }
  if (list.length === 0) throw new HttpError(400, 'no feedback items were given');
  if (list.length > MAX_FEEDBACK_ITEMS) {
    throw new HttpError(
      400,
      `${list.length} feedback items in one request; the limit is ${MAX_FEEDBACK_ITEMS}, send the rest separately`,
    );
  }
  const field = (i: number, name: string) => (at(i) === '' ? name : `${at(i)}.${name}`);
  return list.map((item, i) => {
    if (!isRecord(item)) throw new HttpError(400, `${at(i) || 'the body'} must be an object with request_id and label`);
    for (const key of Object.keys(item)) {
      if (key !== 'request_id' && key !== 'label')
        throw new HttpError(400, `${field(i, key)} is not a known field; an item has request_id and label`);
    }
    const idProblem = requestIdProblem(item.request_id);
    if (idProblem) throw new HttpError(400, `${field(i, 'request_id')} ${idProblem}`);
    const p = labelProblem(item.label);
    if (p) throw new HttpError(400, `${field(i, 'label')} ${p}`);
    return { requestId: item.request_id as string, label: item.label };
  });
}
