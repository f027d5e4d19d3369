/**
 * Builds a Slipway table the way Great Expectations' test harness builds its pandas DataFrame from a
 * test definition: `pd.DataFrame(data)` dtype inference (ints without nulls → int64, numbers with a
 * null → float64, bools with a null or mixed values → object), then `astype` for the dtypes named in
 * `schemas.pandas`. A dtype this table model cannot hold exactly becomes a 'mixed' column.
 */
import { parseDateutil } from '../../src/data/expectations/index.js';
import { columnFromValues, stringColumn, type Column, type Table } from '../../src/data/table.js';

type Dtype = 'int64' | 'float64' | 'bool' | 'object' | 'datetime64' | 'str' | 'Int64' | 'unknown';

const isNull = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** The dtype `pd.DataFrame` infers for a list of JSON values. */
export function inferDtype(values: readonly unknown[]): Dtype {
  const present = values.filter((v) => !isNull(v));
  if (present.length === 0) return 'object';
  if (present.every((v) => typeof v === 'boolean')) return present.length === values.length ? 'bool' : 'object';
  if (present.every((v) => typeof v === 'number'))
    return present.length === values.length && present.every((v) => Number.isInteger(v)) ? 'int64' : 'float64';
  return 'object';
}

function schemaDtype(name: string): Dtype {
  const n = name.toLowerCase();
  if (['int', 'int64', 'int32', 'long'].includes(n)) return 'int64';
  if (['float', 'float64', 'float32', 'double'].includes(n)) return 'float64';
  if (n === 'int64dtype') return 'Int64';
  if (n === 'bool') return 'bool';
  if (n === 'object') return 'object';
  if (n === 'str') return 'str';
  if (['datetime', 'datetime64', 'datetime64[ns]', 'timestamp', 'datetime64[ns, tz]'].includes(n)) return 'datetime64';
  return 'unknown';
}

/** Python's str() of a value of the given dtype (pandas' astype(str)). */
function pyStr(v: unknown, dtype: Dtype): string {
  if (isNull(v)) return dtype === 'float64' ? 'nan' : 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return dtype === 'float64' && Number.isInteger(v) ? `${v}.0` : String(v);
  return String(v);
}

export function buildColumn(name: string, values: readonly unknown[], declared: string | undefined): Column {
  const inferred = inferDtype(values);
  const dtype = declared === undefined ? inferred : schemaDtype(declared);
  switch (dtype) {
    case 'int64':
    case 'Int64':
      return columnFromValues(name, values, 'integer');
    case 'float64':
      return columnFromValues(name, values, 'float');
    case 'bool':
      return values.every((v) => typeof v === 'boolean')
        ? columnFromValues(name, values, 'boolean')
        : columnFromValues(name, values, 'mixed');
    case 'datetime64':
      return columnFromValues(
        name,
        values.map((v) => (typeof v === 'string' ? new Date(parseDateutil(v) ?? NaN) : null)),
        'timestamp',
      );
    case 'str':
      return stringColumn(
        name,
        values.map((v) => pyStr(v, inferred)),
      );
    case 'object': {
      const present = values.filter((v) => !isNull(v));
      if (present.length > 0 && present.every((v) => typeof v === 'string'))
        return stringColumn(name, values as (string | null)[]);
      return { kind: 'mixed', name, type: 'mixed', values: values.map((v) => (v === undefined ? null : v)) };
    }
    default:
      return { kind: 'mixed', name, type: 'mixed', values: [...values] };
  }
}

export function pandasTable(
  data: Readonly<Record<string, readonly unknown[]>>,
  schema: Readonly<Record<string, string>> | undefined,
  addPk: boolean,
): Table {
  const entries = Object.entries(data);
  const rowCount = entries[0]?.[1].length ?? 0;
  const columns = entries.map(([name, values]) => buildColumn(name, values, schema?.[name]));
  if (addPk)
    columns.push(
      columnFromValues(
        'pk_index',
        Array.from({ length: rowCount }, (_, i) => i),
        'integer',
      ),
    );
  return { columns, rowCount, rowOffset: 0 };
}

/** JSON.parse that also reads Python's NaN, Infinity and -Infinity (GE's files contain them). */
export function parsePythonJson(text: string): unknown {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : `"\\u0000${m}"`));
  return JSON.parse(marked, (_, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith('\u0000')) return v;
    const t = v.slice(1);
    return t === 'NaN' ? NaN : t === '-Infinity' ? -Infinity : Infinity;
  });
}
