import type { NumberOp, RegistryClause, TextOp } from '../../registry/index.js';
import { MlflowApiError } from './mlflow-errors.js';

/**
 * MLflow's registry search filters, parsed into Slipway's typed clauses:
 *
 *   filter     := comparison (AND comparison)*
 *   comparison := identifier operator value
 *   identifier := attribute | (attribute|tag|tags) '.' key        key: word[.word]*, `quoted` or "quoted"
 *   value      := 'string' | "string" | number | '(' string (',' string)* ')'
 *
 * Registered models: `name` (= != LIKE ILIKE) and tags. Model versions: `name`, `source_path`,
 * `run_id` (also IN a list), `version_number` (= != < <= > >=) and tags. Keywords ignore case; OR is
 * refused, as MLflow does.
 */

export type RegistrySearchKind = 'models' | 'versions';

const TEXT_OPS: readonly string[] = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMBER_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
const ATTRIBUTES: Readonly<Record<RegistrySearchKind, readonly string[]>> = {
  models: ['name'],
  versions: ['name', 'version_number', 'run_id', 'source_path'],
};

type Value = { kind: 'string'; value: string } | { kind: 'number'; value: number; raw: string } | { kind: 'list'; value: string[] };

export function parseRegistryFilter(text: string | undefined, kind: RegistrySearchKind): RegistryClause[] {
  if (text === undefined || text.trim() === '') return [];
  return new FilterParser(text, kind).parse();
}

class FilterParser {
  #pos = 0;

  constructor(
    readonly text: string,
    readonly kind: RegistrySearchKind,
  ) {}

  error(detail: string): MlflowApiError {
    return new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid filter '${this.text}': ${detail}.`);
  }

  parse(): RegistryClause[] {
    const clauses = [this.comparison()];
    for (;;) {
      this.skipSpace();
      if (this.#pos >= this.text.length) return clauses;
      const at = this.#pos;
      const word = this.word().toUpperCase();
      if (word === 'AND') clauses.push(this.comparison());
      else if (word === 'OR') throw this.error(`OR is not supported, only AND (at position ${at})`);
      else throw this.error(`expected AND or the end of the filter at position ${at}`);
    }
  }

  comparison(): RegistryClause {
    this.skipSpace();
    const at = this.#pos;
    const { entity, key } = this.identifier();
    this.skipSpace();
    const op = this.operator(key);
    this.skipSpace();
    const value = this.value();
    if (entity === 'tag') {
      if (!TEXT_OPS.includes(op)) throw this.error(`tags compare with ${TEXT_OPS.join(', ')}, not ${op}`);
      return { kind: 'tag', key, op: op as TextOp, value: this.stringValue(value, `tag '${key}'`) };
    }
    const valid = ATTRIBUTES[this.kind];
    if (!valid.includes(key)) {
      throw this.error(`unknown attribute '${key}' at position ${at} (${this.kind === 'models' ? 'registered models' : 'model versions'} filter on ${valid.join(', ')} and tags.<key>)`);
    }
    if (key === 'version_number') {
      if (!NUMBER_OPS.includes(op)) throw this.error(`version_number compares with ${NUMBER_OPS.join(', ')}, not ${op}`);
      const n = value.kind === 'number' ? value.value : value.kind === 'string' && /^\s*-?\d+\s*$/.test(value.value) ? Number(value.value) : Number.NaN;
      if (Number.isNaN(n)) throw this.error('version_number needs a number');
      return { kind: 'attribute', key: 'version', op: op as NumberOp, value: n };
    }
    const column = key === 'source_path' ? 'source' : (key as 'name' | 'run_id');
    if (op === 'IN') {
      if (column !== 'run_id') throw this.error(`only run_id can be compared with IN, not ${key}`);
      if (value.kind !== 'list') throw this.error('IN needs a parenthesized list of quoted strings');
      return { kind: 'attribute', key: 'run_id', op: 'IN', value: value.value };
    }
    if (!TEXT_OPS.includes(op)) throw this.error(`${key} compares with ${TEXT_OPS.join(', ')}${column === 'run_id' ? ', IN' : ''}, not ${op}`);
    return { kind: 'attribute', key: column, op: op as TextOp, value: this.stringValue(value, key) };
  }

  stringValue(value: Value, what: string): string {
    if (value.kind === 'string') return value.value;
    if (value.kind === 'list') throw this.error(`a list is only allowed after IN, not for ${what}`);
    throw this.error(`${what} needs a quoted string, got ${value.raw}`);
  }

  identifier(): { entity: 'attribute' | 'tag'; key: string } {
    const at = this.#pos;
    if (this.text[at] === '`') return { entity: 'attribute', key: this.quoted('`') };
    const head = this.word();
    if (head === '') throw this.error(`expected an attribute or tags.<key> at position ${at}`);
    if (this.text[this.#pos] !== '.') {
      if (['AND', 'OR'].includes(head.toUpperCase())) throw this.error(`expected a comparison before ${head} at position ${at}`);
      return { entity: 'attribute', key: head };
    }
    this.#pos++;
    if (!['attribute', 'tag', 'tags'].includes(head)) {
      throw this.error(`unknown prefix '${head}' at position ${at} (use attribute., tag. or tags.)`);
    }
    const q = this.text[this.#pos];
    let key: string;
    if (q === '`' || q === '"') key = this.quoted(q);
    else {
      const m = /^[\w.]+/u.exec(this.text.slice(this.#pos));
      key = m?.[0] ?? '';
      this.#pos += key.length;
    }
    if (key === '') throw this.error(`expected a key after '${head}.' at position ${this.#pos}`);
    return { entity: head === 'attribute' ? 'attribute' : 'tag', key };
  }

  operator(key: string): string {
    const at = this.#pos;
    const symbol = ['!=', '<>', '<=', '>=', '==', '=', '<', '>'].find((s) => this.text.startsWith(s, at));
    if (symbol === '==') throw this.error(`operator '==' is not supported, use '=' (at position ${at})`);
    if (symbol) {
      this.#pos += symbol.length;
      return symbol === '<>' ? '!=' : symbol;
    }
    const word = this.word().toUpperCase();
    if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
    if (word === 'NOT') {
      this.skipSpace();
      if (this.word().toUpperCase() === 'IN') throw this.error('NOT IN is not supported in registry searches');
    }
    throw this.error(`expected a comparison operator after ${key} at position ${at}`);
  }

  value(): Value {
    const at = this.#pos;
    const c = this.text[at];
    if (c === "'" || c === '"') return { kind: 'string', value: this.quoted(c) };
    if (c === '(') return { kind: 'list', value: this.list() };
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/.exec(this.text.slice(at));
    if (m) {
      this.#pos += m[0].length;
      return { kind: 'number', value: Number(m[0]), raw: m[0] };
    }
    throw this.error(`expected a value at position ${at}`);
  }

  list(): string[] {
    this.#pos++; // the '('
    const items: string[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.text[this.#pos];
      if (c !== "'" && c !== '"') throw this.error(`expected a quoted string in the list at position ${this.#pos}`);
      items.push(this.quoted(c));
      this.skipSpace();
      const sep = this.text[this.#pos++];
      if (sep === ')') return items;
      if (sep !== ',') throw this.error(`expected ',' or ')' in the list at position ${this.#pos - 1}`);
    }
  }

  /** A run between `quote`s; a doubled quote stands for the quote itself (SQL's escape). */
  quoted(quote: string): string {
    const start = this.#pos;
    let out = '';
    let i = start + 1;
    while (i < this.text.length) {
      const c = this.text[i] as string;
      if (c === quote) {
        if (this.text[i + 1] !== quote) {
          this.#pos = i + 1;
          return out;
        }
        i++;
      }
      out += c;
      i++;
    }
    throw this.error(`unterminated quote starting at position ${start}`);
  }

  word(): string {
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(this.text.slice(this.#pos));
    this.#pos += m?.[0].length ?? 0;
    return m?.[0] ?? '';
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.#pos] ?? '')) this.#pos++;
  }
}
