/**
 * Hyperparameters per algorithm: names and defaults follow scikit-learn (Ridge, LogisticRegression,
 * HistGradientBoosting*) so a data scientist's settings carry over. Values may arrive as strings from a
 * command line or a params file ('0.1', 'true', 'none') and are parsed here; anything unknown or out of
 * range is an error naming the valid choices.
 */
import { invalid } from '../errors.js';
import type { Algorithm } from './model-types.js';

export type ParamValue = number | string | boolean;
export type RawParams = Readonly<Record<string, ParamValue>>;

interface Spec {
  readonly default: ParamValue;
  /** The parsed value, or undefined when `raw` is not acceptable. */
  readonly parse: (raw: ParamValue) => ParamValue | undefined;
  /** What an acceptable value is, for the error message. */
  readonly expect: string;
}

const toNumber = (raw: ParamValue): number | undefined => {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw);
  return undefined;
};

/** A finite number above `min` (or at least `min` when `inclusive`) and below `max` when given. */
function num(def: number, min: number, inclusive: boolean, max = Number.POSITIVE_INFINITY): Spec {
  const expect = `a number ${inclusive ? '>=' : '>'} ${min}${Number.isFinite(max) ? ` and < ${max}` : ''}`;
  return {
    default: def,
    expect,
    parse: (raw) => {
      const v = toNumber(raw);
      return v !== undefined && Number.isFinite(v) && (inclusive ? v >= min : v > min) && v < max ? v : undefined;
    },
  };
}

function int(def: number, min: number, max = Number.MAX_SAFE_INTEGER): Spec {
  return {
    default: def,
    expect: `an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
    parse: (raw) => {
      const v = toNumber(raw);
      return v !== undefined && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
    },
  };
}

const bool = (raw: ParamValue): boolean | undefined =>
  raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : undefined;

const SPECS: Readonly<Record<Algorithm, Readonly<Record<string, Spec>>>> = {
  linear: { alpha: num(1, 0, true) },
  logistic: { C: num(1, 0, false), max_iter: int(100, 1), tol: num(1e-4, 0, false) },
  gbdt: {
    early_stopping: {
      default: 'auto',
      expect: "'auto', true or false",
      parse: (raw) => (raw === 'auto' ? 'auto' : bool(raw)),
    },
    l2_regularization: num(0, 0, true),
    learning_rate: num(0.1, 0, false),
    max_bins: int(255, 2, 255),
    max_depth: {
      default: 'none',
      expect: "an integer >= 1 or 'none'",
      parse: (raw) => (raw === 'none' ? 'none' : int(0, 1).parse(raw)),
    },
    max_iter: int(100, 1),
    max_leaf_nodes: int(31, 2),
    min_samples_leaf: int(20, 1),
    n_iter_no_change: int(10, 1),
    tol: num(1e-7, 0, true),
    validation_fraction: num(0.1, 0, false, 1),
  },
};

/** Valid parameter names of an algorithm, sorted. */
export function paramNames(algorithm: Algorithm): string[] {
  return Object.keys(SPECS[algorithm]).sort();
}

/**
 * Every parameter of `algorithm` with defaults filled in, keys sorted (so the model's JSON is canonical).
 * Throws INVALID_PARAMETER_VALUE for an unknown name or a bad value.
 */
export function resolveParams(algorithm: Algorithm, raw: RawParams = {}): Record<string, ParamValue> {
  const specs = SPECS[algorithm];
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(specs, name)) {
      throw invalid(`unknown parameter '${name}' for ${algorithm} (valid: ${paramNames(algorithm).join(', ')})`, { param: name });
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const name of paramNames(algorithm)) {
    const spec = specs[name] as Spec;
    const given = raw[name];
    if (given === undefined) {
      out[name] = spec.default;
      continue;
    }
    const value = spec.parse(given);
    if (value === undefined) {
      throw invalid(`parameter '${name}' must be ${spec.expect}, got ${JSON.stringify(given)}`, { param: name });
    }
    out[name] = value;
  }
  return out;
}
