/**
 * Applies `columns` and `types` to the columns a file has, the same way for every format: unknown names
 * are errors (a typo in a type override must not silently leave a zip code as an integer).
 */
import { invalid } from '../../errors.js';
import { type ColumnPlan } from './csv-columns.js';
import { type ResolvedOptions } from './read-options.js';
import { type ReadColumnType } from './read-stats.js';

/**
 * Plans for the selected columns, in file order, with overrides applied. `field` is the column's index
 * among `names`.
 */
export function selectColumns(
  path: string,
  names: readonly string[],
  inferred: readonly ReadColumnType[],
  opts: ResolvedOptions,
): ColumnPlan[] {
  const known = new Set(names);
  const missing = (list: Iterable<string>) => [...list].filter((n) => !known.has(n));
  const listed = names.map((n) => `'${n}'`).join(', ');
  const badSelection = missing(opts.columns ?? []);
  if (badSelection.length) {
    throw invalid(`${path}: no column ${badSelection.map((n) => `'${n}'`).join(', ')} (columns: ${listed})`, { file: path });
  }
  const badTypes = missing(Object.keys(opts.types));
  if (badTypes.length) {
    throw invalid(`${path}: types names no column ${badTypes.map((n) => `'${n}'`).join(', ')} (columns: ${listed})`, {
      file: path,
    });
  }
  const wanted = opts.columns ? new Set(opts.columns) : undefined;
  const plans: ColumnPlan[] = [];
  names.forEach((name, field) => {
    if (wanted && !wanted.has(name)) return;
    const forced = opts.types[name] as ReadColumnType | undefined;
    plans.push({ name, field, type: forced ?? (inferred[field] as ReadColumnType), strictInteger: forced === 'integer' });
  });
  return plans;
}

/** Tracks which value kinds a column's sample held, and names the narrowest type that fits all of them. */
export class TypeVotes {
  nonNull = 0;
  notInteger = false;
  notNumber = false;
  notBoolean = false;
  notTimestamp = false;

  get undecided(): boolean {
    return !(this.notNumber && this.notBoolean && this.notTimestamp);
  }

  /** An all-null (or header-only) column reads as string: nothing in it says otherwise. */
  result(): ReadColumnType {
    if (this.nonNull === 0) return 'string';
    if (!this.notNumber) return this.notInteger ? 'float' : 'integer';
    if (!this.notBoolean) return 'boolean';
    if (!this.notTimestamp) return 'timestamp';
    return 'string';
  }
}
