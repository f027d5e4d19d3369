// Splits the raw census CSV into train and holdout files with a seeded shuffle.
// Usage: node src/prepare.mjs --raw RAW_CSV --out DIR --seed N --test-fraction F
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flags } from './args.mjs';
import { mulberry32 } from './random.mjs';

const args = flags();
const lines = readFileSync(args.raw, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
const header = lines.shift();
const rand = mulberry32(args.seed);
const train = [header];
const test = [header];
for (const line of lines) (rand() < args['test-fraction'] ? test : train).push(line);
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'train.csv'), `${train.join('\n')}\n`);
writeFileSync(join(args.out, 'test.csv'), `${test.join('\n')}\n`);
console.log(`split ${lines.length} rows: ${train.length - 1} train, ${test.length - 1} holdout (seed ${args.seed})`);
