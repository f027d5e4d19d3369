import { stringify } from 'yaml';
import type { ColumnSummary, ProfileSummary } from './profile/index.js';

export interface SuggestOptions {
  /** Suite name. @default 'suggested' */
  name?: string;
  /** Columns with at most this many distinct values get a value set. @default 20 */
  maxSetSize?: number;
  /** Widen observed numeric ranges by this fraction of their span on each side. @default 0.1 */
  rangeMargin?: number;
}

interface SuggestedExpectation {
  expectation_type: string;
  kwargs: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

/**
 * A starting expectation suite written from a profile, TFDV-style: the column set, a row count band,
 * types, not-null where the data had no nulls (and a `mostly` just below the observed share where it
 * had some), ranges with a margin, and value sets for low-cardinality columns. Users edit it from there.
 */
export function suggestSuite(summary: ProfileSummary, options: SuggestOptions = {}): { expectation_suite_name: string; expectations: SuggestedExpectation[] } {
  const maxSet = options.maxSetSize ?? 20;
  const margin = options.rangeMargin ?? 0.1;
  const out: SuggestedExpectation[] = [
    { expectation_type: 'expect_table_columns_to_match_set', kwargs: { column_set: summary.columns.map((c) => c.name) } },
    {
      expectation_type: 'expect_table_row_count_to_be_between',
      kwargs: { min_value: Math.floor(summary.rowCount / 2), max_value: summary.rowCount * 2 },
      meta: { notes: `observed ${summary.rowCount} rows` },
    },
  ];
  for (const c of summary.columns) out.push(...forColumn(c, summary.rowCount, maxSet, margin));
  return { expectation_suite_name: options.name ?? 'suggested', expectations: out };
}

function forColumn(c: ColumnSummary, rows: number, maxSet: number, margin: number): SuggestedExpectation[] {
  const out: SuggestedExpectation[] = [];
  const col = { column: c.name };
  out.push({ expectation_type: 'expect_column_values_to_be_in_type_list', kwargs: { ...col, type_list: typeNames(c) } });
  if (rows > 0 && c.nulls === 0) out.push({ expectation_type: 'expect_column_values_to_not_be_null', kwargs: col });
  else if (rows > 0 && c.count > 0) {
    // Just below the observed non-null share, so today's batch passes and a batch with many more nulls fails.
    const mostly = Math.max(0, Math.floor((1 - c.nullFraction) * 0.95 * 100) / 100);
    out.push({ expectation_type: 'expect_column_values_to_not_be_null', kwargs: { ...col, mostly }, meta: { notes: `observed ${(c.nullFraction * 100).toFixed(2)}% nulls` } });
  }
  if (c.kind === 'numeric' && c.min !== null && c.max !== null) {
    const span = c.max - c.min;
    const pad = span === 0 ? Math.abs(c.min) * margin || 1 : span * margin;
    const round = (v: number) => (c.type === 'integer' ? Math.round(v) : Number(v.toPrecision(6)));
    const min = c.min >= 0 && c.min - pad < 0 ? 0 : round(c.min - pad);
    out.push({
      expectation_type: 'expect_column_values_to_be_between',
      kwargs: { ...col, min_value: min, max_value: round(c.max + pad) },
      meta: { notes: `observed ${c.min} to ${c.max}` },
    });
  }
  if (c.kind === 'categorical' && c.type !== 'mixed' && c.distinctExact && c.distinct > 0 && c.distinct <= maxSet && c.topValuesExact && c.topValues.length >= c.distinct) {
    out.push({ expectation_type: 'expect_column_values_to_be_in_set', kwargs: { ...col, value_set: c.topValues.map((t) => t.value).sort() } });
  } else if (c.kind === 'numeric' && c.type === 'integer' && c.distinctExact && c.distinct <= Math.min(maxSet, 10) && c.topValuesExact && c.topValues.length >= c.distinct) {
    out.push({ expectation_type: 'expect_column_values_to_be_in_set', kwargs: { ...col, value_set: c.topValues.map((t) => t.value).sort((a, b) => Number(a) - Number(b)) } });
  }
  if (c.count > 0 && c.distinctExact && c.distinct === c.count && c.nulls === 0 && rows > 1) {
    out.push({ expectation_type: 'expect_column_values_to_be_unique', kwargs: col });
  }
  return out;
}

/** pandas dtype names, as GE's type expectations use them. */
function typeNames(c: ColumnSummary): string[] {
  switch (c.type) {
    case 'integer':
      // An integer column with nulls is float64 in pandas.
      return c.nulls > 0 ? ['int64', 'float64'] : ['int64'];
    case 'float':
      return ['float64'];
    case 'boolean':
      return ['bool'];
    case 'timestamp':
      return ['datetime64[ns]'];
    default:
      return ['object'];
  }
}

/** The suggested suite as commented YAML, ready to edit. */
export function suggestSuiteYaml(summary: ProfileSummary, source: string, options: SuggestOptions = {}): string {
  const suite = suggestSuite(summary, options);
  const header = `# Expectation suite suggested by \`slipway data suggest\` from ${source} (${summary.rowCount} rows).\n# Review it: ranges have a ${Math.round((options.rangeMargin ?? 0.1) * 100)}% margin, value sets list what was seen.\n`;
  // No anchors/aliases: every expectation's kwargs stand on their own, as people edit them.
  return header + stringify(suite, { lineWidth: 120, aliasDuplicateObjects: false });
}
