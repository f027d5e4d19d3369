import { describe, expect, it } from 'vitest';
import { MlflowApiError } from './mlflow-errors.js';
import { parseRegistryFilter } from './registry-filter.js';

const refusal = (text: string, kind: 'models' | 'versions') => {
  try {
    parseRegistryFilter(text, kind);
  } catch (err) {
    if (err instanceof MlflowApiError) return { code: err.errorCode, message: err.message };
    throw err;
  }
  throw new Error(`filter ${text} was accepted`);
};

describe('registry search filters', () => {
  it('an empty or blank filter matches everything', () => {
    expect(parseRegistryFilter(undefined, 'models')).toEqual([]);
    expect(parseRegistryFilter('  ', 'versions')).toEqual([]);
  });

  it('parses name comparisons, tags in every quoting, and AND in any case', () => {
    expect(parseRegistryFilter(`name = 'churn' and tags.team != "risk" AND tags.\`my key\` LIKE 'a%' AnD tag."x.y" ILIKE '%B'`, 'models')).toEqual([
      { kind: 'attribute', key: 'name', op: '=', value: 'churn' },
      { kind: 'tag', key: 'team', op: '!=', value: 'risk' },
      { kind: 'tag', key: 'my key', op: 'LIKE', value: 'a%' },
      { kind: 'tag', key: 'x.y', op: 'ILIKE', value: '%B' },
    ]);
    expect(parseRegistryFilter('attribute.name like "c%"', 'models')).toEqual([{ kind: 'attribute', key: 'name', op: 'LIKE', value: 'c%' }]);
    expect(parseRegistryFilter('tags.a.b = \'it\'\'s\'', 'models')).toEqual([{ kind: 'tag', key: 'a.b', op: '=', value: "it's" }]);
    expect(parseRegistryFilter('name <> \'x\'', 'models')).toEqual([{ kind: 'attribute', key: 'name', op: '!=', value: 'x' }]);
  });

  it('parses the model-version attributes: source_path, run_id (also IN a list), version_number as a number', () => {
    expect(parseRegistryFilter(`run_id IN ('a1', "b2") and source_path = 'runs:/x' and version_number >= 2 and version_number < '10' and run_id ilike 'A%'`, 'versions')).toEqual([
      { kind: 'attribute', key: 'run_id', op: 'IN', value: ['a1', 'b2'] },
      { kind: 'attribute', key: 'source', op: '=', value: 'runs:/x' },
      { kind: 'attribute', key: 'version', op: '>=', value: 2 },
      { kind: 'attribute', key: 'version', op: '<', value: 10 },
      { kind: 'attribute', key: 'run_id', op: 'ILIKE', value: 'A%' },
    ]);
  });

  it.each([
    ["name = 'a' OR name = 'b'", 'models', "Invalid filter 'name = 'a' OR name = 'b'': OR is not supported, only AND (at position 11)."],
    ["run_id = 'x'", 'models', "Invalid filter 'run_id = 'x'': unknown attribute 'run_id' at position 0 (registered models filter on name and tags.<key>)."],
    ["version = '1'", 'versions', "Invalid filter 'version = '1'': unknown attribute 'version' at position 0 (model versions filter on name, version_number, run_id, source_path and tags.<key>)."],
    ["metrics.acc > 1", 'versions', "Invalid filter 'metrics.acc > 1': unknown prefix 'metrics' at position 0 (use attribute., tag. or tags.)."],
    ['name = 3', 'models', "Invalid filter 'name = 3': name needs a quoted string, got 3."],
    ["name > 'a'", 'models', "Invalid filter 'name > 'a'': name compares with =, !=, LIKE, ILIKE, not >."],
    ["tags.k IN ('a')", 'versions', "Invalid filter 'tags.k IN ('a')': tags compare with =, !=, LIKE, ILIKE, not IN."],
    ["name IN ('a')", 'versions', "Invalid filter 'name IN ('a')': only run_id can be compared with IN, not name."],
    ["run_id NOT IN ('a')", 'versions', "Invalid filter 'run_id NOT IN ('a')': NOT IN is not supported in registry searches."],
    ["run_id = ('a')", 'versions', "Invalid filter 'run_id = ('a')': a list is only allowed after IN, not for run_id."],
    ["version_number LIKE '1%'", 'versions', "Invalid filter 'version_number LIKE '1%'': version_number compares with =, !=, <, <=, >, >=, not LIKE."],
    ["version_number = 'two'", 'versions', "Invalid filter 'version_number = 'two'': version_number needs a number."],
    ["run_id IN ()", 'versions', "Invalid filter 'run_id IN ()': expected a quoted string in the list at position 11."],
    ["run_id IN ('a' 'b')", 'versions', "Invalid filter 'run_id IN ('a' 'b')': expected ',' or ')' in the list at position 15."],
    ["name = 'open", 'models', "Invalid filter 'name = 'open': unterminated quote starting at position 7."],
    ["name == 'a'", 'models', "Invalid filter 'name == 'a'': operator '==' is not supported, use '=' (at position 5)."],
    ["name 'a'", 'models', "Invalid filter 'name 'a'': expected a comparison operator after name at position 5."],
    ["name = 'a' AND", 'models', "Invalid filter 'name = 'a' AND': expected an attribute or tags.<key> at position 14."],
    ["name = 'a' name = 'b'", 'models', "Invalid filter 'name = 'a' name = 'b'': expected AND or the end of the filter at position 11."],
    ['tags. = 1', 'models', "Invalid filter 'tags. = 1': expected a key after 'tags.' at position 5."],
    ['name =', 'models', "Invalid filter 'name =': expected a value at position 6."],
  ] as const)('refuses %s', (text, kind, message) => {
    expect(refusal(text, kind)).toEqual({ code: 'INVALID_PARAMETER_VALUE', message });
  });
});
