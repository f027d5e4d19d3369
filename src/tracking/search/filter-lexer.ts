/**
 * Tokenizer for MLflow's search grammar (run filters and order_by clauses).
 *
 * The token rules follow the SQL tokenizer MLflow parses filters with (sqlparse): strings in single or
 * double quotes where a doubled quote or a backslash-quote stands for the quote character, numbers with
 * an optional leading minus, decimals and exponents, backtick-quoted names. Identifiers are lexed as a
 * whole (`tags.mlflow.runName`, ``metrics.`my metric` ``) because a dot inside a key is not an operator
 * in this grammar, so only the lexer can see where an identifier ends.
 */

export type Token =
  /** A bare word without a dot: a keyword (AND, IN, ASC…) or an attribute named without prefix. */
  | { kind: 'word'; text: string; pos: number; raw: string }
  /** `prefix.key`, the key unquoted (dots allowed) or quoted with backticks or double quotes. */
  | { kind: 'ident'; head: string; key: string; pos: number; raw: string }
  | { kind: 'string'; value: string; pos: number; raw: string }
  | { kind: 'number'; value: number; pos: number; raw: string }
  | { kind: 'op'; text: string; pos: number; raw: string }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number; raw: string }
  | { kind: 'eof'; pos: number; raw: '' };

/** Thrown by the lexer; the caller turns it into an INVALID_PARAMETER_VALUE error quoting its input. */
export class LexError extends Error {
  constructor(
    readonly detail: string,
    readonly pos: number,
  ) {
    super(`${detail} at position ${pos}`);
  }
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const WORD_START = /[\p{L}_]/u;
const DIGIT = /[0-9]/;
const OPERATORS = ['!=', '<=', '>=', '<>', '==', '=', '<', '>'] as const;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(text, i, c, 'string');
      tokens.push({ kind: 'string', value, pos: start, raw: text.slice(start, end) });
      i = end;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, pos: start, raw: c });
      i++;
    } else if (DIGIT.test(c) || ((c === '-' || c === '.') && startsNumber(text, i))) {
      const end = readNumber(text, i);
      const raw = text.slice(start, end);
      tokens.push({ kind: 'number', value: Number(raw), pos: start, raw });
      i = end;
    } else if (WORD_START.test(c) || c === '`') {
      const token = readIdentifier(text, i);
      tokens.push(token);
      i = token.pos + token.raw.length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) {
        const hint =
          c === '-' || c === '/' || c === ':'
            ? ' (quote keys with special characters in backticks, e.g. metrics.`f1-score`)'
            : '';
        throw new LexError(`unexpected character '${c}'${hint}`, i);
      }
      tokens.push({ kind: 'op', text: op, pos: start, raw: op });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', pos: text.length, raw: '' });
  return tokens;
}

function startsNumber(text: string, i: number): boolean {
  let j = i;
  if (text[j] === '-') j++;
  if (text[j] === '.') j++;
  return DIGIT.test(text[j] ?? '');
}

/** `-?(digits(.digits*)?|.digits)([eE][+-]?digits)?`, and no letter glued to its end (`1abc` is not a number). */
function readNumber(text: string, start: number): number {
  let i = start;
  const digits = () => {
    while (DIGIT.test(text[i] ?? '')) i++;
  };
  if (text[i] === '-') i++;
  digits();
  if (text[i] === '.') {
    i++;
    digits();
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (DIGIT.test(text[j] ?? '')) {
      i = j;
      digits();
    }
  }
  if (WORD_CHAR.test(text[i] ?? '') || text[i] === '.') {
    throw new LexError(`invalid number '${text.slice(start, i + 1)}'`, start);
  }
  return i;
}

/**
 * Reads a quoted run starting at `start` (which holds the quote). A doubled quote, or a backslash
 * before the quote, stands for the quote itself; for strings a doubled backslash stands for one
 * backslash (as in the SQL tokenizer MLflow uses, where `\\` is one unit, so `'a\\'` ends at its quote).
 * Any other backslash is kept, so LIKE escapes such as `\%` reach the pattern untouched.
 */
function readQuoted(text: string, start: number, quote: string, what: 'string' | 'key'): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === quote) {
      if (next === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (c === '\\' && what === 'string' && (next === quote || next === '\\')) {
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new LexError(`unterminated ${what === 'string' ? 'string' : 'quoted key'} starting`, start);
}

function readWord(text: string, start: number): number {
  let i = start;
  while (WORD_CHAR.test(text[i] ?? '')) i++;
  return i;
}

/** A bare word, or `head.key` where head may be backtick-quoted and key is quoted or dotted words. */
function readIdentifier(text: string, start: number): Token {
  let head: string;
  let i: number;
  if (text[start] === '`') {
    const quoted = readQuoted(text, start, '`', 'key');
    head = quoted.value;
    i = quoted.end;
  } else {
    i = readWord(text, start);
    head = text.slice(start, i);
  }
  if (text[i] !== '.') {
    return { kind: 'word', text: head, pos: start, raw: text.slice(start, i) };
  }
  i++; // the dot
  const q = text[i];
  let key: string;
  if (q === '`' || q === '"') {
    const quoted = readQuoted(text, i, q, 'key');
    key = quoted.value;
    i = quoted.end;
  } else {
    const keyStart = i;
    for (;;) {
      const end = readWord(text, i);
      if (end === i) throw new LexError(`expected a key after '${text.slice(start, i)}'`, i);
      i = end;
      if (text[i] !== '.' || !WORD_CHAR.test(text[i + 1] ?? '')) break;
      i++;
    }
    key = text.slice(keyStart, i);
  }
  if (key === '') throw new LexError(`empty key in '${text.slice(start, i)}'`, start);
  return { kind: 'ident', head, key, pos: start, raw: text.slice(start, i) };
}

/** How a token is shown in an error message. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  // A string shows its own quotes; anything else gets quoted so spaces and operators stand out.
  return token.kind === 'string' ? token.raw : `'${token.raw}'`;
}
