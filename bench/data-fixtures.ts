import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const CATEGORIES = Array.from({ length: 20 }, (_, i) => `cat_${String.fromCharCode(97 + i)}${i}`);

/**
 * Writes a rows × 20 CSV: n0..n4 integers, n5..n9 floats, c0..c9 categorical strings with 20 values,
 * deterministic (a fixed LCG), about 200 bytes a row.
 */
export async function writeBenchCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const header = [...Array.from({ length: 10 }, (_, i) => `n${i}`), ...Array.from({ length: 10 }, (_, i) => `c${i}`)];
  out.write(`${header.join(',')}\n`);
  let seed = 42;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let buf = '';
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 5; i++) cells.push(String(Math.floor(rand() * 1000)));
    for (let i = 5; i < 10; i++) cells.push((rand() * 100).toFixed(4));
    for (let i = 0; i < 10; i++) cells.push(CATEGORIES[Math.floor(rand() * 20)] as string);
    buf += `${cells.join(',')}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
}

/** A 20-expectation suite over that file, in Great Expectations' shape. */
export function benchSuiteYaml(): string {
  const e: string[] = [];
  const add = (type: string, kwargs: Record<string, unknown>) => e.push(`  - expectation_type: ${type}\n    kwargs: ${JSON.stringify(kwargs)}`);
  for (let i = 0; i < 5; i++) add('expect_column_values_to_not_be_null', { column: `n${i}` });
  for (let i = 0; i < 5; i++) add('expect_column_values_to_be_between', { column: `n${i + 5}`, min_value: 0, max_value: 100 });
  for (let i = 0; i < 5; i++) add('expect_column_values_to_be_in_set', { column: `c${i}`, value_set: CATEGORIES });
  add('expect_column_values_to_match_regex', { column: 'c5', regex: '^cat_[a-t]\\d+$' });
  add('expect_column_value_lengths_to_be_between', { column: 'c6', min_value: 5, max_value: 7 });
  add('expect_column_mean_to_be_between', { column: 'n0', min_value: 400, max_value: 600 });
  add('expect_column_unique_value_count_to_be_between', { column: 'c7', min_value: 20, max_value: 20 });
  add('expect_table_column_count_to_equal', { value: 20 });
  return `expectation_suite_name: bench\nexpectations:\n${e.join('\n')}\n`;
}
