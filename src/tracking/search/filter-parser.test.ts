import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { parseFilter } from './filter-parser.js';
import { parseOrderBy } from './order-by.js';
import { decodePageToken, encodePageToken } from './page-token.js';

/** The error parseFilter throws for `text`, asserted to be INVALID_PARAMETER_VALUE. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as Error).message;
  }
  throw new Error('expected an error');
}
const filterError = (text: string) => errorOf(() => parseFilter(text));

describe('parseFilter', () => {
  it('gives no comparisons for an empty or blank filter', () => {
    expect(parseFilter('')).toEqual([]);
    expect(parseFilter('  \n\t ')).toEqual([]);
  });

  it('parses every metric operator with numbers of every form', () => {
    const ops = ['=', '!=', '>', '>=', '<', '<='] as const;
    for (const op of ops) {
      expect(parseFilter(`metrics.acc ${op} 0.5`)).toEqual([{ entity: 'metric', key: 'acc', op, value: 0.5 }]);
    }
    const values: Array<[string, number]> = [
      ['1', 1],
      ['-2', -2],
      ['3.25', 3.25],
      ['.5', 0.5],
      ['-.5', -0.5],
      ['1.', 1],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['1e+2', 100],
    ];
    for (const [raw, value] of values) {
      expect(parseFilter(`metric.loss<${raw}`)).toEqual([{ entity: 'metric', key: 'loss', op: '<', value }]);
    }
  });

  it('accepts every identifier prefix', () => {
    const cases: Array<[string, string, string]> = [
      ['metrics.a > 1', 'metric', 'a'],
      ['metric.a > 1', 'metric', 'a'],
      ["params.a = 'x'", 'param', 'a'],
      ["param.a = 'x'", 'param', 'a'],
      ["parameter.a = 'x'", 'param', 'a'],
      ["parameters.a = 'x'", 'param', 'a'],
      ["tags.a = 'x'", 'tag', 'a'],
      ["tag.a = 'x'", 'tag', 'a'],
      ["attributes.status = 'x'", 'attribute', 'status'],
      ["attribute.status = 'x'", 'attribute', 'status'],
      ["attr.status = 'x'", 'attribute', 'status'],
      ["run.status = 'x'", 'attribute', 'status'],
      ["status = 'x'", 'attribute', 'status'],
      ["datasets.name = 'x'", 'dataset', 'name'],
      ["dataset.digest = 'x'", 'dataset', 'digest'],
      ["datasets.context = 'x'", 'dataset', 'context'],
    ];
    for (const [text, entity, key] of cases) {
      expect(parseFilter(text)[0], text).toMatchObject({ entity, key });
    }
  });

  it('translates attribute aliases and keeps dotted and quoted keys whole', () => {
    expect(parseFilter('attributes.created >= 10')).toEqual([{ entity: 'attribute', key: 'start_time', op: '>=', value: 10 }]);
    expect(parseFilter("attributes.`Run name` = 'a'")[0]?.key).toBe('run_name');
    expect(parseFilter("tags.mlflow.runName = 'x'")[0]).toMatchObject({ entity: 'tag', key: 'mlflow.runName' });
    expect(parseFilter('metrics.`my metric` > 1')[0]).toMatchObject({ key: 'my metric' });
    expect(parseFilter('metrics."f1-score" > 1')[0]).toMatchObject({ key: 'f1-score' });
    expect(parseFilter('tags."a.b" = \'v\'')[0]).toMatchObject({ entity: 'tag', key: 'a.b' });
    expect(parseFilter("tags.`it``s` = 'v'")[0]).toMatchObject({ key: 'it`s' });
    expect(parseFilter('`metrics`.acc > 1')[0]).toMatchObject({ entity: 'metric', key: 'acc' });
    expect(parseFilter('metrics.val_loss_2 > 1')[0]).toMatchObject({ key: 'val_loss_2' });
  });

  it('reads single- and double-quoted strings with their escapes', () => {
    const value = (text: string) => parseFilter(text)[0]?.value;
    expect(value("params.a = 'x y'")).toBe('x y');
    expect(value('params.a = "x y"')).toBe('x y');
    expect(value("params.a = 'it''s'")).toBe("it's");
    expect(value("params.a = 'it\\'s'")).toBe("it's");
    expect(value('params.a = "say ""hi"""')).toBe('say "hi"');
    expect(value('params.a = "say \\"hi\\""')).toBe('say "hi"');
    expect(value("params.a = 'a\\\\'")).toBe('a\\');
    expect(value("params.a = 'C:\\data'")).toBe('C:\\data');
    expect(value("params.a LIKE '100\\%'")).toBe('100\\%');
    expect(value("params.a = ''")).toBe('');
    expect(value('params.a = "it\'s"')).toBe("it's");
  });

  it('parses LIKE, ILIKE, IN and NOT IN in any case', () => {
    expect(parseFilter("params.m like 'x%'")).toEqual([{ entity: 'param', key: 'm', op: 'LIKE', value: 'x%' }]);
    expect(parseFilter("tags.m IlIkE '%X'")).toEqual([{ entity: 'tag', key: 'm', op: 'ILIKE', value: '%X' }]);
    expect(parseFilter('attributes.status in (\'FINISHED\', "FAILED")')).toEqual([
      { entity: 'attribute', key: 'status', op: 'IN', value: ['FINISHED', 'FAILED'] },
    ]);
    expect(parseFilter("attributes.run_id NOT  in('a')")).toEqual([
      { entity: 'attribute', key: 'run_id', op: 'NOT IN', value: ['a'] },
    ]);
    expect(parseFilter("datasets.digest IN ('d1','d2')")[0]).toMatchObject({ op: 'IN', value: ['d1', 'd2'] });
  });

  it('joins clauses with AND in any case', () => {
    expect(parseFilter("metrics.a > 1 and params.b = 'x' AnD tags.c != 'y'")).toEqual([
      { entity: 'metric', key: 'a', op: '>', value: 1 },
      { entity: 'param', key: 'b', op: '=', value: 'x' },
      { entity: 'tag', key: 'c', op: '!=', value: 'y' },
    ]);
    expect(parseFilter('metrics.a>1 AND metrics.a<=2')).toHaveLength(2);
  });

  it('refuses bad filters with a message that quotes the filter and says where', () => {
    expect(filterError('metrics.acc >')).toBe(`Invalid filter "metrics.acc >": expected a value after '>' at position 13`);
    expect(filterError('metrics.a > 1 OR metrics.b > 2')).toBe(
      'Invalid filter "metrics.a > 1 OR metrics.b > 2": OR is not supported (clauses can only be joined with AND) at position 14',
    );
    expect(filterError("foo.bar = 'x'")).toBe(
      `Invalid filter "foo.bar = 'x'": unknown entity 'foo' in 'foo.bar' (use metrics., params., tags., attributes. or datasets.) at position 0`,
    );
    expect(filterError("params.lr > '0.1'")).toBe(
      `Invalid filter "params.lr > '0.1'": operator '>' is not allowed for param 'lr' (use =, !=, LIKE, ILIKE) at position 10`,
    );
    expect(filterError("metrics.acc > 'high'")).toBe(
      `Invalid filter "metrics.acc > 'high'": expected a number for metric 'acc', got 'high' at position 14`,
    );
    expect(filterError('params.lr LIKE 0.1')).toBe(
      `Invalid filter "params.lr LIKE 0.1": expected a quoted string for param 'lr', got '0.1' at position 15`,
    );
    expect(filterError("params.lr = 'abc")).toBe(
      `Invalid filter "params.lr = 'abc": unterminated string starting at position 12`,
    );
    expect(filterError('metrics.a > 1 garbage')).toBe(
      `Invalid filter "metrics.a > 1 garbage": expected AND or the end of the filter, got 'garbage' at position 14`,
    );
  });

  it('refuses other malformed filters', () => {
    const cases: Array<[string, string]> = [
      ['metrics.a', "expected an operator after 'metrics.a', got end of input at position 9"],
      ['metrics.a == 1', "operator '==' is not supported (use =) at position 10"],
      ["metrics.a LIKE '1'", "operator 'LIKE' is not allowed for metric 'a' (use =, !=, >, >=, <, <=) at position 10"],
      ["attributes.start_time = 'x'", "expected a number for attribute 'start_time', got 'x' at position 24"],
      [
        "attributes.status > 'x'",
        "operator '>' is not allowed for attribute 'status' (use =, !=, LIKE, ILIKE, IN, NOT IN) at position 18",
      ],
      ['attributes.status = 1', "expected a quoted string for attribute 'status', got '1' at position 20"],
      [
        "attributes.colour = 'x'",
        "unknown attribute 'colour' (use run_id, run_name, user_id, status, artifact_uri, lifecycle_stage, start_time, end_time) at position 0",
      ],
      ["datasets.size = 'x'", "unknown dataset field 'size' (use name, digest, context) at position 0"],
      ["tags.a IN ('x')", "operator 'IN' is not allowed for tag 'a' (use =, !=, LIKE, ILIKE) at position 7"],
      ["attributes.status IN 'x'", "expected '(' after IN, got 'x' at position 21"],
      ['attributes.status IN ()', 'expected a non-empty list of quoted strings at position 21'],
      ["attributes.status IN ('a',)", "expected a quoted string in the list, got ')' at position 26"],
      ["attributes.status IN ('a' 'b')", "expected ',' or ')' in the list, got 'b' at position 26"],
      ["attributes.status IN ('a', 1)", "expected a quoted string in the list, got '1' at position 27"],
      ["attributes.status = ('a')", "a parenthesized list is only allowed after IN or NOT IN, not after '=' at position 20"],
      ["attributes.status NOT LIKE 'a'", "expected IN after NOT, got 'LIKE' at position 22"],
      [
        "params.a = 'x' AND",
        'expected an identifier such as metrics.acc or params.lr after AND, got end of input at position 18',
      ],
      [
        'metrics.f1-score > 1',
        "unexpected character '-' (quote keys with special characters in backticks, e.g. metrics.`f1-score`) at position 10",
      ],
      ['metrics. > 1', "expected a key after 'metrics.' at position 8"],
      ['metrics.a > 1abc', "invalid number '1a' at position 12"],
      ['metrics.`a > 1', 'unterminated quoted key starting at position 8'],
      ["(params.a = 'x')", "expected an identifier such as metrics.acc or params.lr at the start, got '(' at position 0"],
      ['metrics.a > 1; DROP TABLE runs', "unexpected character ';' at position 13"],
    ];
    for (const [text, detail] of cases) {
      expect(filterError(text), text).toBe(`Invalid filter "${text}": ${detail}`);
    }
  });
});

describe('parseOrderBy', () => {
  it('reads identifiers with an optional direction, ascending by default', () => {
    expect(parseOrderBy(['metrics.acc DESC', 'attributes.start_time asc', 'params.lr', 'metrics.`my metric` Desc'])).toEqual([
      { entity: 'metric', key: 'acc', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'param', key: 'lr', ascending: true },
      { entity: 'metric', key: 'my metric', ascending: false },
    ]);
    expect(parseOrderBy(['created DESC', 'tags."a.b"'])).toEqual([
      { entity: 'attribute', key: 'start_time', ascending: false },
      { entity: 'tag', key: 'a.b', ascending: true },
    ]);
    expect(parseOrderBy([])).toEqual([]);
  });

  it('refuses bad clauses', () => {
    const orderError = (clause: string) => errorOf(() => parseOrderBy([clause]));
    expect(orderError('metrics.acc DOWN')).toBe(
      `Invalid order_by clause "metrics.acc DOWN": expected ASC or DESC after 'metrics.acc', got 'DOWN' at position 12`,
    );
    expect(orderError('metrics.acc DESC ASC')).toBe(
      `Invalid order_by clause "metrics.acc DESC ASC": expected the end of the clause, got 'ASC' at position 17`,
    );
    expect(orderError('datasets.name')).toBe(
      `Invalid order_by clause "datasets.name": cannot order by dataset field 'name' at position 0`,
    );
    expect(orderError('')).toBe(
      `Invalid order_by clause "": expected an identifier such as metrics.acc or params.lr, got end of input at position 0`,
    );
    expect(orderError('foo.x')).toContain("unknown entity 'foo'");
    expect(errorOf(() => parseOrderBy(['metrics.a', 'metric.a DESC']))).toBe(
      `Invalid order_by ["metrics.a","metric.a DESC"]: metric 'a' is listed twice`,
    );
  });
});

describe('page tokens', () => {
  it('round-trips offsets and treats no token as the first page', () => {
    expect(decodePageToken(encodePageToken(2000))).toBe(2000);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
    expect(decodePageToken(Buffer.from('{"offset": 7}').toString('base64'))).toBe(7);
  });

  it('refuses tokens it did not make', () => {
    for (const token of [
      '%%%',
      'bm90IGpzb24',
      Buffer.from('{"offset":-1}').toString('base64url'),
      Buffer.from('{"offset":1.5}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      expect(errorOf(() => decodePageToken(token))).toMatch(/^Invalid page_token '/);
    }
  });
});
