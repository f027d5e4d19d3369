/**
 * DVC-style `${}` templating: `${name}`, `${a.b.c}`, `${list[0]}`, escaped with `\${`. A string that is
 * exactly one `${...}` takes the value's own type (so `foreach: ${models}` iterates a dict and
 * `count: ${n}` stays a number); inside a longer string only scalars may be interpolated.
 */
import { didYouMean } from './suggest.js';
import type { YamlPath } from './yaml-source.js';

export type TemplateContext = Readonly<Record<string, unknown>>;

/** A templating failure; `path` is where in the YAML it happened, filled in by `interpolate`. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly path: YamlPath = [],
  ) {
    super(message);
  }
}

// The negative lookbehind keeps `\${x}` literal, as DVC does.
const EXPRESSION = /(?<!\\)\$\{([^}]*)\}/g;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const hasTemplate = (s: string): boolean => new RegExp(EXPRESSION.source).test(s);

/** How a scalar reads inside a string; booleans as YAML writes them (DVC prints true/false, not Python's). */
export function scalarText(value: unknown): string {
  if (value === null) return 'null';
  return String(value);
}

const describeKind = (v: unknown): string => (Array.isArray(v) ? 'list' : 'mapping');

/** Resolves `a.b[0].c` in `ctx`; an unknown name is an error that suggests a close one. */
export function lookup(ctx: TemplateContext, expression: string): unknown {
  const expr = expression.trim();
  const segments = expr.replace(/\[([^\]]*)\]/g, '.$1').split('.');
  if (expr === '' || segments.some((s) => s.trim() === '')) throw new TemplateError(`invalid expression '\${${expression}}'`);
  let current: unknown = ctx;
  for (const [i, seg] of segments.entries()) {
    if (Array.isArray(current) && /^\d+$/.test(seg) && Number(seg) < current.length) {
      current = current[Number(seg)];
    } else if (isPlainObject(current) && Object.hasOwn(current, seg)) {
      current = current[seg];
    } else {
      const hint = isPlainObject(current) ? didYouMean(seg, Object.keys(current)) : '';
      const where = i === 0 ? '' : ` ('${segments.slice(0, i).join('.')}' has no '${seg}')`;
      throw new TemplateError(`unknown variable '${expr}'${where}${hint}`);
    }
  }
  return current;
}

/** One string: no `${}` → itself (escapes removed); exactly `${x}` → x's value; else the joined text. */
export function interpolateString(template: string, ctx: TemplateContext): unknown {
  const matches = [...template.matchAll(EXPRESSION)];
  const unescape = (s: string) => s.replace(/\\\$\{/g, '${');
  if (matches.length === 0) return unescape(template);
  const only = matches[0];
  if (matches.length === 1 && only && only[0] === template) return lookup(ctx, only[1] ?? '');
  let out = '';
  let index = 0;
  for (const m of matches) {
    const value = lookup(ctx, m[1] ?? '');
    if (typeof value === 'object' && value !== null) {
      throw new TemplateError(`cannot put a ${describeKind(value)} ('${(m[1] ?? '').trim()}') inside a string`);
    }
    out += template.slice(index, m.index) + scalarText(value);
    index = m.index + m[0].length;
  }
  return unescape(out + template.slice(index));
}

/** Interpolates every string (mapping keys too, as DVC does) of a JSON-like value; errors carry their path. */
export function interpolate(value: unknown, ctx: TemplateContext, path: YamlPath = []): unknown {
  try {
    if (typeof value === 'string') return interpolateString(value, ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateError(err.message, path);
    throw err;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, ctx, [...path, i]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = interpolate(k, ctx, [...path, k]);
      if (typeof key === 'object' && key !== null) {
        throw new TemplateError(`a key cannot be a ${describeKind(key)}`, [...path, k]);
      }
      out[scalarText(key)] = interpolate(v, ctx, [...path, k]);
    }
    return out;
  }
  return value;
}

/**
 * Merges `from` into `into` the way DVC merges params files and vars: mappings merge key by key, but
 * redefining a value already present is an error, so no source silently shadows another.
 * `origins` remembers which source defined each dotted path, for the message.
 */
export function mergeVars(
  into: Record<string, unknown>,
  from: Readonly<Record<string, unknown>>,
  source: string,
  origins: Map<string, string>,
  prefix = '',
): void {
  for (const [key, value] of Object.entries(from)) {
    const dotted = prefix === '' ? key : `${prefix}.${key}`;
    const existing = into[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      mergeVars(existing, value, source, origins, dotted);
    } else if (Object.hasOwn(into, key)) {
      let owner = dotted;
      while (!origins.has(owner) && owner.includes('.')) owner = owner.slice(0, owner.lastIndexOf('.'));
      throw new TemplateError(`cannot redefine '${dotted}': already defined by ${origins.get(owner) ?? 'another source'}`);
    } else {
      into[key] = structuredClone(value);
      origins.set(dotted, source);
    }
  }
}
