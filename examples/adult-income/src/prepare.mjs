// Splits the raw census CSV into train and holdout files with a seeded shuffle.
// Usage: node src/prepare.mjs --raw RAW_CSV [--window WINDOW_CSV] --out DIR --seed N --test-fraction F
// WINDOW_CSV holds labelled rows from production (a monitor's retrain action writes it; the example
// ships it empty). Its rows come after the raw ones, so every raw row keeps its train/holdout side and
// a model trained before the window is never scored on rows it was trained on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flags } from './args.mjs';
import { mulberry32 } from './random.mjs';

const args = flags();
const read = (path) => readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
const lines = read(args.raw);
const header = lines.shift();
if (args.window) {
  const window = read(args.window);
  if (window.length > 0 && window[0] !== header) throw new Error(`${args.window}: its header differs from ${args.raw}'s`);
  lines.push(...window.slice(1));
}
const rand = mulberry32(args.seed);
const train = [header];
const test = [header];
for (const line of lines) (rand() < args['test-fraction'] ? test : train).push(line);
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'train.csv'), `${train.join('\n')}\n`);
writeFileSync(join(args.out, 'test.csv'), `${test.join('\n')}\n`);
console.log(`split ${lines.length} rows: ${train.length - 1} train, ${test.length - 1} holdout (seed ${args.seed})`);
