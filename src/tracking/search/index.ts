/** MLflow-compatible run search: filter and order_by grammar, page tokens, and the SQL behind runs/search. */

export type { Comparison, ComparisonOp } from './filter-parser.js';
export { parseFilter } from './filter-parser.js';
export type { Entity } from './identifiers.js';
export type { OrderTerm } from './order-by.js';
export { parseOrderBy } from './order-by.js';
export { decodePageToken, encodePageToken } from './page-token.js';
export type { SearchRunsPage, SearchRunsQuery } from './search-runs.js';
export { searchRunIds } from './search-runs.js';
