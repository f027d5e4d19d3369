/**
 * GE's suite (evaluation) parameters: a kwarg written `{"$PARAMETER": "..."}` takes its value from the
 * parameters given to the loader, or from a small expression over them: numbers, + - * / and
 * parentheses, `now()` (UTC) and `timedelta(weeks=, days=, hours=, minutes=, seconds=)`, so that
 * `now() - timedelta(weeks=52)` works as in GE. A name that is neither a parameter nor understood is
 * a load-time error.
 */

type Value = number | Date | { readonly ms: number } | string | boolean | null;

const UNITS: Record<string, number> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

export function isParameter(v: unknown): v is { $PARAMETER: string } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as Record<string, unknown>).$PARAMETER === 'string'
  );
}

/** Replaces every `{$PARAMETER}` inside a kwargs value. */
export function resolveParameters(value: unknown, params: Readonly<Record<string, unknown>>, now: Date): unknown {
  if (isParameter(value)) return evaluate(value.$PARAMETER, params, now);
  if (Array.isArray(value)) return value.map((v) => resolveParameters(v, params, now));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveParameters(v, params, now)]));
  }
  return value;
}

function evaluate(src: string, params: Readonly<Record<string, unknown>>, now: Date): unknown {
  if (Object.hasOwn(params, src)) return params[src];
  const toks = src.match(/\d+(?:\.\d+)?|[A-Za-z_]\w*|[-+*/(),=]/g) ?? [];
  let p = 0;
  const fail = (msg: string): never => {
    throw new Error(`suite parameter '${src}': ${msg}`);
  };
  const take = (t?: string) => {
    const tok = toks[p++];
    if (tok === undefined || (t !== undefined && tok !== t)) fail(t ? `expected '${t}'` : 'unexpected end');
    return tok as string;
  };
  const combine = (op: string, a: Value, b: Value): Value => {
    const ms = (v: Value) => (v instanceof Date ? v.getTime() : typeof v === 'object' && v !== null ? v.ms : NaN);
    if (typeof a === 'number' && typeof b === 'number')
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
    if (a instanceof Date && !(b instanceof Date) && (op === '+' || op === '-'))
      return new Date(a.getTime() + (op === '+' ? ms(b) : -ms(b)));
    if (
      typeof a === 'object' &&
      a !== null &&
      !(a instanceof Date) &&
      typeof b === 'object' &&
      b !== null &&
      !(b instanceof Date) &&
      (op === '+' || op === '-')
    )
      return { ms: op === '+' ? a.ms + b.ms : a.ms - b.ms };
    return fail(`cannot apply '${op}'`);
  };
  const expr = (): Value => {
    let v = term();
    while (toks[p] === '+' || toks[p] === '-') v = combine(take(), v, term());
    return v;
  };
  const term = (): Value => {
    let v = factor();
    while (toks[p] === '*' || toks[p] === '/') v = combine(take(), v, factor());
    return v;
  };
  const factor = (): Value => {
    const t = take();
    if (t === '(') {
      const v = expr();
      take(')');
      return v;
    }
    if (t === '-') return combine('-', 0, factor());
    if (/^\d/.test(t)) return Number(t);
    if (t === 'now') {
      take('(');
      take(')');
      return new Date(now.getTime());
    }
    if (t === 'timedelta') {
      take('(');
      let ms = 0;
      while (toks[p] !== ')') {
        const unit = take();
        take('=');
        const amount = factor();
        if (UNITS[unit] === undefined || typeof amount !== 'number') fail(`bad timedelta argument '${unit}'`);
        ms += (amount as number) * (UNITS[unit] as number);
        if (toks[p] === ',') p++;
      }
      take(')');
      return { ms };
    }
    if (Object.hasOwn(params, t)) return params[t] as Value;
    return fail(`unknown name '${t}'`);
  };
  const v = expr();
  if (p < toks.length) fail(`unexpected '${toks[p]}'`);
  return v;
}
