/**
 * The zod schemas of a pipeline file (checked after templating, so `count: ${n}` is validated as the
 * number it became) and the translation of zod issues into located, human messages.
 */
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './durations.js';
import { didYouMean } from './suggest.js';
import type { ProblemSink, YamlPath } from './yaml-source.js';

const text = z.string().min(1, { error: 'expected a non-empty string' });
const nonNegativeInt = z.custom<number>((v) => Number.isInteger(v) && (v as number) >= 0, {
  error: 'expected a non-negative integer',
});
const duration = z.custom<number | string>((v) => parseDuration(v) !== undefined, { error: `expected ${DURATION_HINT}` });
const positiveDuration = z.custom<number | string>((v) => (parseDuration(v) ?? 0) > 0, {
  error: `expected a positive ${DURATION_HINT.replace(/^a /, '')}`,
});

/** `- path` or `- path: {flags}`, DVC's way of attaching options to one out. */
const pathEntry = <T extends z.ZodType>(flags: T) =>
  z.union([
    text,
    z.record(z.string(), flags.nullable()).refine((o) => Object.keys(o).length === 1, {
      error: 'expected one path per entry, like `- model.pkl: {cache: false}`',
    }),
  ]);

const outFlagShape = { cache: z.boolean().optional(), persist: z.boolean().optional() };
export const outFlags = z.strictObject(outFlagShape);
// DVC's plot properties are accepted so DVC files load; the renderer (a later issue) will read them.
const plotFlags = z.strictObject({
  ...outFlagShape,
  x: z.unknown().optional(),
  y: z.unknown().optional(),
  template: z.string().optional(),
  title: z.string().optional(),
  x_label: z.string().optional(),
  y_label: z.string().optional(),
  header: z.boolean().optional(),
});

const retriesObject = z.strictObject({
  count: nonNegativeInt,
  backoff: duration.optional(),
  factor: z.custom<number>((v) => typeof v === 'number' && v >= 1, { error: 'expected a number >= 1' }).optional(),
  max_backoff: duration.optional(),
});

export const stageSchema = z.strictObject({
  cmd: z.union([text, z.array(text).min(1, { error: 'expected at least one command' })]).optional(),
  uses: text.optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  wdir: text.optional(),
  deps: z.array(text).optional(),
  // DVC: a bare key lives in params.yaml; `file: [keys]` names the file; `file:` with no keys = whole file.
  params: z.array(z.union([text, z.record(z.string(), z.array(text).nullable())])).optional(),
  outs: z.array(pathEntry(outFlags)).optional(),
  metrics: z.array(pathEntry(outFlags)).optional(),
  plots: z.array(pathEntry(plotFlags)).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  retries: z.union([nonNegativeInt, retriesObject]).optional(),
  timeout: positiveDuration.optional(),
  always_changed: z.boolean().optional(),
  frozen: z.boolean().optional(),
  desc: z.string().optional(),
  needs: z.array(text).optional(),
});
export type RawStage = z.output<typeof stageSchema>;

/** Keys that may appear on a stage entry besides the body fields (expansion keywords). */
export const EXPANSION_KEYS = ['foreach', 'do', 'matrix'] as const;
export const STAGE_KEYS: readonly string[] = [...Object.keys(stageSchema.shape), ...EXPANSION_KEYS];

/** Sections later issues own; accepted unparsed so today's loader does not reject tomorrow's files. */
export const OPAQUE_SECTIONS = ['monitors', 'approvals', 'registry', 'deployments'] as const;

export const topSchema = z.strictObject({
  name: text.optional(),
  params: z.array(text).optional(),
  vars: z.union([z.array(z.union([text, z.record(z.string(), z.unknown())])), z.record(z.string(), z.unknown())]).optional(),
  stages: z.record(z.string(), z.unknown()).optional(),
  ...Object.fromEntries(OPAQUE_SECTIONS.map((k) => [k, z.unknown().optional()])),
});

const NICE_TYPE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** How a received value reads in a message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The mapping keys a schema accepts at `path` (for "did you mean"); unions contribute all options. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return keysAt(schema.unwrap() as z.ZodType, path);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap((o) => keysAt(o, path));
  const [seg, ...rest] = path;
  if (schema instanceof z.ZodObject) {
    if (seg === undefined) return Object.keys(schema.shape);
    const child = schema.shape[String(seg)] as z.ZodType | undefined;
    return child ? keysAt(child, rest) : [];
  }
  if (schema instanceof z.ZodArray && seg !== undefined) return keysAt(schema.element as z.ZodType, rest);
  if (schema instanceof z.ZodRecord && seg !== undefined) return keysAt(schema.valueType as z.ZodType, rest);
  return [];
}

type Issue = z.core.$ZodIssue;

const expectation = (iss: Issue): string =>
  iss.code === 'invalid_type' ? (NICE_TYPE[iss.expected] ?? iss.expected) : iss.message.replace(/^expected /, '');

/**
 * Adds one located problem per zod issue. A union failure reports the branch that got past the type
 * check (`retries: {count: -1}` → retries.count), else "expected X or Y".
 */
export function reportIssues(
  issues: readonly Issue[],
  base: YamlPath,
  problems: ProblemSink,
  schema: z.ZodType,
  extraKeys: readonly string[] = [],
  prefix: readonly (string | number)[] = [],
): void {
  for (const iss of issues) {
    // `prefix` is where a union's nested issues sit relative to `schema`; their own paths are relative.
    const rel = [...prefix, ...(iss.path as (string | number)[])];
    const path = [...base, ...rel];
    const input = 'input' in iss ? iss.input : undefined;
    if (iss.code === 'unrecognized_keys') {
      const known = [...keysAt(schema, rel), ...(rel.length === 0 ? extraKeys : [])];
      for (const key of iss.keys) problems.add([...path, key], `unknown key '${key}'${didYouMean(key, known)}`, 'key');
    } else if (iss.code === 'invalid_union') {
      const deeper = iss.errors.find((branch) => branch.every((b) => b.path.length > 0));
      if (deeper) {
        reportIssues(deeper, base, problems, schema, extraKeys, rel);
        continue;
      }
      const wanted = [...new Set(iss.errors.flatMap((branch) => branch.filter((b) => b.path.length === 0).map(expectation)))];
      problems.add(path, `expected ${wanted.join(' or ')}, got ${show(input)}`);
    } else if (input === undefined) {
      problems.add(path, `missing; expected ${expectation(iss)}`);
    } else if (iss.code === 'invalid_type') {
      problems.add(path, `expected ${expectation(iss)}, got ${show(input)}`);
    } else {
      problems.add(path, `${iss.message}, got ${show(input)}`);
    }
  }
}
