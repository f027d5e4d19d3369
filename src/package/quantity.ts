import { invalid } from '../errors.js';

/** Kubernetes' resource.Quantity syntax, as the KServe CRD spells it. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?(?:\d+(?:\.\d*)?|\.\d+))?$/;

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * The value of a Kubernetes quantity (`250m` → 0.25, `512Mi` → 536870912), refusing what the API
 * server would refuse, so a typo fails here rather than at `kubectl apply`.
 *
 * @example
 *   parseQuantity('--cpu', '1500m') // 1.5
 */
export function parseQuantity(flag: string, text: string): number {
  if (!QUANTITY.test(text)) {
    throw invalid(`${flag} expects a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi, got '${text}'.`, { value: text });
  }
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-zA-Z]*)$/.exec(text);
  const value = m ? Number(m[1]) * (SUFFIX[m[2] ?? ''] ?? Number.NaN) : Number(text); // else an exponent form: 1e3
  if (!(value > 0)) throw invalid(`${flag} must be more than zero, got '${text}'.`, { value: text });
  return value;
}
