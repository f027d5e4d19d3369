/**
 * Loading an expectation suite from YAML or JSON text (JSON is YAML, so one parser gives both and
 * keeps every node's position). Two shapes are accepted, also mixed in one list:
 *
 *   GE's own (as exported by GE 0.x and 1.x, loaded unchanged):
 *     {"expectation_suite_name": "orders", "expectations": [
 *        {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}, "meta": {}}]}
 *     ("name" and "type" are GE 1.x's spellings of the two names; ids, notes and rendered content are ignored.)
 *
 *   The short form, one key per expectation (the "expect_" prefix may be dropped):
 *     name: orders
 *     expectations:
 *       - expect_column_values_to_not_be_null: {column: id}
 *       - column_values_to_be_between: {column: age, min_value: 0, max_value: 120, mostly: 0.99}
 *       - expect_table_row_count_to_be_between: {min_value: 1}
 *         meta: {owner: data-team}
 *
 * The top level may also be the expectation list itself. Every problem is an error at load time with
 * file:line:col: unknown expectation (with the closest name), unknown or ill-typed kwargs, min > max,
 * mostly outside [0, 1], invalid regex, strftime format or row_condition.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import {
  compileExpectation,
  fail,
  type ExpectationSuite,
  type LoadedExpectation,
  type LoadOptions,
  type Locator,
} from './compile.js';

const GE_ITEM_KEYS = new Set([
  'expectation_type',
  'type',
  'kwargs',
  'meta',
  'id',
  'ge_cloud_id',
  'rendered_content',
  'notes',
  'description',
  'severity',
  'expectation_context',
]);

export function loadSuite(text: string, options: LoadOptions = {}): ExpectationSuite {
  const file = options.file ?? '<suite>';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (node: Node | null | undefined, fallback = 0) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? fallback);
    return { file, line, col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = firstError.linePos?.[0] ?? { line: 1, col: 1 };
    fail({ file, line: pos.line, col: pos.col }, `invalid YAML/JSON: ${firstError.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  let list: Node | null = root;
  let name: string | null = null;
  let meta: Record<string, unknown> = {};
  if (isMap(root)) {
    list = root.get('expectations', true) as Node | null;
    const n = root.get('expectation_suite_name') ?? root.get('name');
    name = typeof n === 'string' ? n : null;
    const m = (root.get('meta', true) as Node | undefined)?.toJSON() as unknown;
    if (m !== null && typeof m === 'object') meta = m as Record<string, unknown>;
    if (!list) fail(at(root), "a suite needs an 'expectations' list");
  }
  if (!isSeq(list)) return fail(at(list), "'expectations' must be a list");
  const expectations: LoadedExpectation[] = list.items.map((item) => loadItem(item as Node, at, options));
  return { name, meta, expectations };
}

function loadItem(
  item: Node,
  at: (n: Node | null | undefined) => { file: string; line: number; col: number },
  options: LoadOptions,
): LoadedExpectation {
  if (!isMap(item)) return fail(at(item), 'an expectation must be a mapping');
  const keys = item.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  let type: string;
  let kwargsNode: Node | null | undefined;
  let metaNode: Node | null | undefined;
  if (keys.includes('expectation_type') || keys.includes('type')) {
    const typeNode = (item.get('expectation_type', true) ?? item.get('type', true)) as Node | undefined;
    const unknown = item.items.find((p) => isScalar(p.key) && !GE_ITEM_KEYS.has(String(p.key.value)));
    if (unknown)
      fail(
        at(unknown.key as Node),
        `unknown key '${String((unknown.key as { value: unknown }).value)}' in an expectation (expected expectation_type, kwargs, meta)`,
      );
    if (!isScalar(typeNode) || typeof typeNode.value !== 'string') return fail(at(item), 'expectation_type must be a string');
    type = typeNode.value;
    kwargsNode = item.get('kwargs', true) as Node | undefined;
    metaNode = item.get('meta', true) as Node | undefined;
  } else {
    const names = item.items.filter((p) => !(isScalar(p.key) && p.key.value === 'meta'));
    const only = names[0];
    if (names.length !== 1 || !only || !isScalar(only.key))
      return fail(at(item), 'an expectation in the short form has exactly one key, its type (plus an optional meta)');
    type = String(only.key.value);
    kwargsNode = only.value as Node | null;
    metaNode = item.get('meta', true) as Node | undefined;
  }
  if (kwargsNode && !isMap(kwargsNode) && !(isScalar(kwargsNode) && kwargsNode.value === null))
    fail(at(kwargsNode), `kwargs of ${type} must be a mapping`);
  const kwargs = (isMap(kwargsNode) ? kwargsNode.toJSON() : {}) as Record<string, unknown>;
  const meta = (metaNode?.toJSON() ?? {}) as Record<string, unknown>;
  const locate: Locator = (kwarg) => {
    const pair =
      kwarg !== undefined && isMap(kwargsNode)
        ? (kwargsNode as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === kwarg)
        : undefined;
    return at((pair?.key as Node | undefined) ?? (kwarg !== undefined && kwargsNode ? kwargsNode : item));
  };
  return compileExpectation(type, kwargs, meta, locate, options);
}
