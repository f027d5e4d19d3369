import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SlipwayError } from '../../errors.js';
import { fastifyPath, parseInput } from './native-route.js';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof SlipwayError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
};

describe('input validation', () => {
  const body = z.strictObject({
    alias: z.string().min(1),
    limits: z.strictObject({ rate: z.number().max(1) }).optional(),
    cases: z.array(z.strictObject({ n: z.number() })).optional(),
  });

  it('names the field and what is wrong, for path, query and body', () => {
    expect(messageOf(() => parseInput(body, {}, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Missing body field 'alias'");
    expect(messageOf(() => parseInput(body, { alias: 3 }, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Invalid body field 'alias': Invalid input: expected string, received number");
    expect(messageOf(() => parseInput(body, { alias: 'a', limits: { rate: 2 } }, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Invalid body field 'limits.rate': Too big: expected number to be <=1");
    expect(messageOf(() => parseInput(body, { alias: 'a', cases: [{ n: 1 }, { n: 'x' }] }, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Invalid body field 'cases[1].n': Invalid input: expected number, received string");
    expect(messageOf(() => parseInput(body, { alias: 'a', x: 1, y: 2 }, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Unknown body fields 'x', 'y'");
    expect(messageOf(() => parseInput(body, { alias: 'a', limits: { rate: 0, burst: 1 } }, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Unknown body field 'limits.burst'");
    expect(messageOf(() => parseInput(body, 'text', 'body field'))).toBe('INVALID_PARAMETER_VALUE: Invalid request body: Invalid input: expected object, received string');
    expect(messageOf(() => parseInput(z.strictObject({ n: z.string() }), {}, 'query parameter'))).toBe("INVALID_PARAMETER_VALUE: Missing query parameter 'n'");
    expect(messageOf(() => parseInput(z.strictObject({ id: z.string().regex(/^\d+$/, 'expected digits') }), { id: 'a' }, 'path parameter'))).toBe("INVALID_PARAMETER_VALUE: Invalid path parameter 'id': expected digits");
  });

  it('reports at most three problems at once', () => {
    const many = z.strictObject({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    expect(messageOf(() => parseInput(many, {}, 'body field'))).toBe("INVALID_PARAMETER_VALUE: Missing body field 'a'; Missing body field 'b'; Missing body field 'c'");
  });

  it('returns what it parsed', () => {
    expect(parseInput(body, { alias: 'a' }, 'body field')).toEqual({ alias: 'a' });
  });

  it("writes OpenAPI paths in Fastify's form", () => {
    expect(fastifyPath('/models/{name}/versions/{version}')).toBe('/models/:name/versions/:version');
  });
});
