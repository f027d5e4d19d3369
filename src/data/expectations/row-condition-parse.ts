/**
 * The parser of GE's pandas row_condition syntax (what `DataFrame.query` accepts, the common part):
 * comparisons `== != > >= < <=` (chained ones too), `&`/`and`, `|`/`or`, `~`/`not`, parentheses,
 * numbers, 'single' or "double" quoted strings, True/False/None, column names (`back-quoted` when they
 * contain spaces), `x in [..]` / `x not in [..]`, and the methods `.isin([..])`, `.isnull()`, `.notnull()`,
 * `.isna()`, `.notna()`. As in pandas, `&` and `|` bind more loosely than comparisons. Anything else
 * is a load-time error naming the position.
 */

export type Literal = number | string | boolean | null;
export type CmpOp = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type Expr =
  | { readonly k: 'col'; readonly name: string }
  | { readonly k: 'lit'; readonly value: Literal }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'isin'; readonly e: Expr; readonly items: readonly Literal[]; readonly negate: boolean }
  | { readonly k: 'isnull'; readonly e: Expr; readonly negate: boolean };

interface Token {
  readonly t: 'num' | 'str' | 'id' | 'op' | 'end';
  readonly v: string;
  readonly at: number;
}

const OPS = ['==', '!=', '>=', '<=', '>', '<', '&', '|', '~', '(', ')', '[', ']', ',', '.', '-'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j];
        j++;
      }
      if (j >= src.length) throw new SyntaxError(`unterminated string at column ${i + 1}`);
      out.push({ t: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new SyntaxError(`unterminated \`name\` at column ${i + 1}`);
      out.push({ t: 'id', v: src.slice(i + 1, j), at: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new SyntaxError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ t: 'op', v: op, at: i });
    i += op.length;
  }
  out.push({ t: 'end', v: '', at: src.length });
  return out;
}

export function parseRowCondition(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p] as Token;
  const fail = (what: string): never => {
    const t = peek();
    throw new SyntaxError(`${what} at column ${t.at + 1}${t.t === 'end' ? ' (end of condition)' : ` ('${t.v}')`}`);
  };
  const isOp = (v: string) => peek().t === 'op' && peek().v === v;
  const isWord = (v: string) => peek().t === 'id' && peek().v === v;
  const expect = (v: string) => (isOp(v) ? p++ : fail(`expected '${v}'`));

  const or = (): Expr => {
    let left = and();
    while (isOp('|') || isWord('or')) {
      p++;
      left = { k: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Expr => {
    let left = not();
    while (isOp('&') || isWord('and')) {
      p++;
      left = { k: 'and', left, right: not() };
    }
    return left;
  };
  const not = (): Expr => {
    if (isWord('not')) {
      p++;
      return { k: 'not', e: not() };
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const first = unary();
    let left = first;
    let result: Expr | undefined;
    for (;;) {
      const t = peek();
      if (t.t === 'op' && ['==', '!=', '>', '>=', '<', '<='].includes(t.v)) {
        p++;
        const right = unary();
        const cmp: Expr = { k: 'cmp', op: t.v as CmpOp, left, right };
        result = result ? { k: 'and', left: result, right: cmp } : cmp;
        left = right;
        continue;
      }
      if (isWord('in') || (isWord('not') && toks[p + 1]?.v === 'in')) {
        const negate = isWord('not');
        p += negate ? 2 : 1;
        const cmp: Expr = { k: 'isin', e: left, items: list(), negate };
        result = result ? { k: 'and', left: result, right: cmp } : cmp;
        continue;
      }
      return result ?? first;
    }
  };
  const unary = (): Expr => {
    if (isOp('~')) {
      p++;
      return { k: 'not', e: unary() };
    }
    if (isOp('-')) {
      p++;
      const e = unary();
      if (e.k === 'lit' && typeof e.value === 'number') return { k: 'lit', value: -e.value };
      return fail('only numbers can be negated');
    }
    return postfix(primary());
  };
  const postfix = (e: Expr): Expr => {
    while (isOp('.')) {
      p++;
      const name = peek();
      if (name.t !== 'id') fail('expected a method name');
      p++;
      expect('(');
      if (name.v === 'isin') {
        const items = list();
        expect(')');
        e = { k: 'isin', e, items, negate: false };
      } else if (['isnull', 'isna', 'notnull', 'notna'].includes(name.v)) {
        expect(')');
        e = { k: 'isnull', e, negate: name.v.startsWith('not') };
      } else {
        p -= 2;
        fail(`unsupported method '${name.v}'`);
      }
    }
    return e;
  };
  const primary = (): Expr => {
    const t = peek();
    if (isOp('(')) {
      p++;
      const e = or();
      expect(')');
      return e;
    }
    if (t.t === 'num' || t.t === 'str') {
      p++;
      return { k: 'lit', value: t.t === 'num' ? Number(t.v) : t.v };
    }
    if (t.t === 'id') {
      p++;
      if (t.v === 'True' || t.v === 'False') return { k: 'lit', value: t.v === 'True' };
      if (t.v === 'None') return { k: 'lit', value: null };
      return { k: 'col', name: t.v };
    }
    return fail('expected a column, a value or (');
  };
  const list = (): Literal[] => {
    expect('[');
    const items: Literal[] = [];
    while (!isOp(']')) {
      const e = unary();
      if (e.k !== 'lit') fail('expected a literal in the list');
      items.push((e as { value: Literal }).value);
      if (!isOp(']')) expect(',');
    }
    p++;
    return items;
  };

  const e = or();
  if (peek().t !== 'end') fail('unexpected text');
  return e;
}

/** The columns a condition reads. */
export function conditionColumns(e: Expr): string[] {
  switch (e.k) {
    case 'col':
      return [e.name];
    case 'lit':
      return [];
    case 'cmp':
    case 'and':
    case 'or':
      return [...conditionColumns(e.left), ...conditionColumns(e.right)];
    default:
      return conditionColumns(e.e);
  }
}
