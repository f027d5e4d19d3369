import { invalid } from '../../errors.js';
import { describeToken, LexError, type Token, tokenize } from './filter-lexer.js';
import { type Entity, isNumeric, resolveIdentifier } from './identifiers.js';

/**
 * Recursive-descent parser for MLflow's run filter:
 *
 *   filter     := ε | comparison (AND comparison)*
 *   comparison := identifier operator value
 *   operator   := = | != | > | >= | < | <= | LIKE | ILIKE | IN | NOT IN
 *   value      := number | string | '(' string (',' string)* ')'
 *
 * Keywords are case-insensitive. MLflow's type rules are enforced here, so the SQL compiler only ever
 * sees well-typed comparisons.
 */

export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface Comparison {
  entity: Entity;
  key: string;
  op: ComparisonOp;
  value: number | string | string[];
}

const NUMERIC_OPS: readonly ComparisonOp[] = ['=', '!=', '>', '>=', '<', '<='];
const KEY_VALUE_OPS: readonly ComparisonOp[] = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_FIELD_OPS: readonly ComparisonOp[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

const ENTITY_NAMES: Readonly<Record<Entity, string>> = {
  metric: 'metric',
  param: 'param',
  tag: 'tag',
  attribute: 'attribute',
  dataset: 'dataset field',
};

/** Parses a filter string; an empty or all-whitespace filter matches everything and gives []. */
export function parseFilter(text: string): Comparison[] {
  if (text.trim() === '') return [];
  return new Parser(text, 'filter').parseFilter();
}

/** Thrown inside the parser, converted to `invalid()` with the quoted input at the boundary. */
class ParseError extends Error {
  constructor(
    readonly detail: string,
    readonly pos: number,
  ) {
    super(detail);
  }
}

export class Parser {
  readonly #tokens: Token[];
  #i = 0;

  constructor(
    readonly text: string,
    readonly what: 'filter' | 'order_by clause',
  ) {
    try {
      this.#tokens = tokenize(text);
    } catch (err) {
      if (err instanceof LexError) throw this.error(err.detail, err.pos);
      throw err;
    }
  }

  /** An INVALID_PARAMETER_VALUE error quoting the input and saying where it went wrong. */
  error(detail: string, pos: number) {
    return invalid(`Invalid ${this.what} "${this.text}": ${detail} at position ${pos}`, {
      [this.what === 'filter' ? 'filter' : 'order_by']: this.text,
      position: pos,
    });
  }

  peek(): Token {
    return this.#tokens[this.#i] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.#i++;
    return token;
  }

  /** Runs `body`, converting its ParseErrors into invalid() errors. */
  guard<T>(body: () => T): T {
    try {
      return body();
    } catch (err) {
      if (err instanceof ParseError) throw this.error(err.detail, err.pos);
      throw err;
    }
  }

  parseFilter(): Comparison[] {
    return this.guard(() => {
      const comparisons = [this.comparison()];
      for (;;) {
        const token = this.next();
        if (token.kind === 'eof') return comparisons;
        if (isWord(token, 'AND')) {
          comparisons.push(this.comparison());
          continue;
        }
        if (isWord(token, 'OR')) {
          throw new ParseError('OR is not supported (clauses can only be joined with AND)', token.pos);
        }
        throw new ParseError(`expected AND or the end of the filter, got ${describeToken(token)}`, token.pos);
      }
    });
  }

  /** identifier: `prefix.key` or a bare attribute name. Returns the entity, canonical key and raw text. */
  identifier(after: string): { entity: Entity; key: string; raw: string; pos: number } {
    const token = this.next();
    if (token.kind === 'ident' || (token.kind === 'word' && !isKeyword(token))) {
      const resolved = resolveIdentifier(
        token.kind === 'ident' ? token.head : token.text,
        token.kind === 'ident' ? token.key : undefined,
      );
      if (!resolved.ok) throw new ParseError(resolved.problem, token.pos);
      return { entity: resolved.entity, key: resolved.key, raw: token.raw, pos: token.pos };
    }
    if (isWord(token, 'OR')) {
      throw new ParseError('OR is not supported (clauses can only be joined with AND)', token.pos);
    }
    throw new ParseError(
      `expected an identifier such as metrics.acc or params.lr${after ? ` ${after}` : ''}, got ${describeToken(token)}`,
      token.pos,
    );
  }

  comparison(): Comparison {
    const id = this.identifier(this.#i === 0 ? 'at the start' : 'after AND');
    const opToken = this.peek();
    const op = this.operator(id.raw);
    const label = `${ENTITY_NAMES[id.entity]} '${id.key}'`;
    const allowed = allowedOps(id.entity, id.key);
    if (!allowed.includes(op)) {
      throw new ParseError(`operator '${op}' is not allowed for ${label} (use ${allowed.join(', ')})`, opToken.pos);
    }
    const value = this.value(op, opToken);
    if (isNumeric(id.entity, id.key)) {
      if (value.kind !== 'number') throw new ParseError(`expected a number for ${label}, got ${describeToken(value)}`, value.pos);
      return { entity: id.entity, key: id.key, op, value: value.value };
    }
    if (op === 'IN' || op === 'NOT IN') {
      return { entity: id.entity, key: id.key, op, value: this.list(value) };
    }
    if (value.kind !== 'string') {
      throw new ParseError(`expected a quoted string for ${label}, got ${describeToken(value)}`, value.pos);
    }
    return { entity: id.entity, key: id.key, op, value: value.value };
  }

  operator(identifier: string): ComparisonOp {
    const token = this.next();
    if (token.kind === 'op') {
      if (token.text === '==' || token.text === '<>') {
        throw new ParseError(`operator '${token.text}' is not supported (use ${token.text === '==' ? '=' : '!='})`, token.pos);
      }
      return token.text as ComparisonOp;
    }
    if (token.kind === 'word') {
      const word = token.text.toUpperCase();
      if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
      if (word === 'NOT') {
        const inToken = this.next();
        if (isWord(inToken, 'IN')) return 'NOT IN';
        throw new ParseError(`expected IN after NOT, got ${describeToken(inToken)}`, inToken.pos);
      }
    }
    throw new ParseError(`expected an operator after '${identifier}', got ${describeToken(token)}`, token.pos);
  }

  /** The value token; for IN/NOT IN the '(' that opens the list. */
  value(op: ComparisonOp, opToken: Token): Token {
    const token = this.next();
    const inList = op === 'IN' || op === 'NOT IN';
    if (inList) {
      if (token.kind === 'punct' && token.text === '(') return token;
      throw new ParseError(`expected '(' after ${op}, got ${describeToken(token)}`, token.pos);
    }
    if (token.kind === 'number' || token.kind === 'string') return token;
    if (token.kind === 'punct' && token.text === '(') {
      throw new ParseError(`a parenthesized list is only allowed after IN or NOT IN, not after '${op}'`, token.pos);
    }
    const after = opToken.kind === 'word' ? op : opToken.raw;
    if (token.kind === 'eof') throw new ParseError(`expected a value after '${after}'`, token.pos);
    throw new ParseError(`expected a value after '${after}', got ${describeToken(token)}`, token.pos);
  }

  /** The rest of `( 'a', 'b' )` after its opening parenthesis: non-empty, quoted strings only. */
  list(open: Token): string[] {
    const items: string[] = [];
    for (;;) {
      const item = this.next();
      if (item.kind === 'punct' && item.text === ')' && items.length === 0) {
        throw new ParseError('expected a non-empty list of quoted strings', open.pos);
      }
      if (item.kind !== 'string') {
        throw new ParseError(`expected a quoted string in the list, got ${describeToken(item)}`, item.pos);
      }
      items.push(item.value);
      const sep = this.next();
      if (sep.kind === 'punct' && sep.text === ')') return items;
      if (!(sep.kind === 'punct' && sep.text === ',')) {
        throw new ParseError(`expected ',' or ')' in the list, got ${describeToken(sep)}`, sep.pos);
      }
    }
  }
}

function allowedOps(entity: Entity, key: string): readonly ComparisonOp[] {
  if (isNumeric(entity, key)) return NUMERIC_OPS;
  return entity === 'param' || entity === 'tag' ? KEY_VALUE_OPS : STRING_FIELD_OPS;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE']);

function isKeyword(token: Token & { kind: 'word' }): boolean {
  return KEYWORDS.has(token.text.toUpperCase());
}

export function isWord(token: Token, word: string): boolean {
  return token.kind === 'word' && token.text.toUpperCase() === word;
}

export { ParseError };
