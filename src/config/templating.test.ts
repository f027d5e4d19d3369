import { describe, expect, it } from 'vitest';
import { parseDuration } from './durations.js';
import { resolveProjectPath } from './project-paths.js';
import { levenshtein } from './suggest.js';
import { interpolate, interpolateString, mergeVars, TemplateError } from './templating.js';

describe('interpolation', () => {
  const ctx = { a: { b: [1, { c: 'deep' }] }, n: 3, flag: false, nothing: null, list: [1, 2] };

  it('keeps the type of an exact ${} and joins text otherwise', () => {
    expect(interpolateString('${n}', ctx)).toBe(3);
    expect(interpolateString('${list}', ctx)).toEqual([1, 2]);
    expect(interpolateString('n=${n} ${flag} ${nothing} ${a.b[1].c} ${a.b.0}', ctx)).toBe('n=3 false null deep 1');
    expect(interpolateString('cost: \\${n} ${n}', ctx)).toBe('cost: ${n} 3');
    expect(interpolateString('no template $n {n}', ctx)).toBe('no template $n {n}');
  });

  it('interpolates keys and values recursively and reports the path of a failure', () => {
    expect(interpolate({ 'out-${n}': ['${a.b.1.c}'] }, ctx)).toEqual({ 'out-3': ['deep'] });
    try {
      interpolate({ x: ['ok', 'bad ${missing}'] }, ctx, ['stages', 's']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).path).toEqual(['stages', 's', 'x', 1]);
      expect((err as TemplateError).message).toBe("unknown variable 'missing'");
    }
    expect(() => interpolateString('${}', ctx)).toThrow("invalid expression '${}'");
  });

  it('merges mappings and refuses to redefine a value', () => {
    const into: Record<string, unknown> = {};
    const origins = new Map<string, string>();
    mergeVars(into, { grp: { a: 1 } }, "'params.yaml'", origins);
    mergeVars(into, { grp: { b: 2 } }, 'vars[0]', origins);
    expect(into).toEqual({ grp: { a: 1, b: 2 } });
    expect(() => mergeVars(into, { grp: { a: 7 } }, 'vars[1]', origins)).toThrow(
      "cannot redefine 'grp.a': already defined by 'params.yaml'",
    );
  });
});

describe('helpers', () => {
  it('parses durations to milliseconds', () => {
    expect([30, '30s', '5m', '1h', '500ms', '1.5s', 0].map(parseDuration)).toEqual([30_000, 30_000, 300_000, 3_600_000, 500, 1500, 0]);
    expect([-1, 'soon', '5 days', true, '1d'].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('resolves project paths against a wdir', () => {
    expect(resolveProjectPath('./a//b/', 'src')).toEqual({ ok: true, path: 'src/a/b' });
    expect(resolveProjectPath('..', 'src')).toEqual({ ok: true, path: '.' });
    expect(resolveProjectPath('../..', 'src')).toEqual({ ok: false, reason: "path '../..' escapes the project root" });
    expect(resolveProjectPath('')).toEqual({ ok: false, reason: 'expected a path, got an empty string' });
  });

  it('measures edit distance', () => {
    expect([levenshtein('dep', 'deps'), levenshtein('kitten', 'sitting'), levenshtein('', 'ab')]).toEqual([1, 3, 2]);
  });
});
