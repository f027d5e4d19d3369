// Scores the model on the holdout set.
// Usage: node src/evaluate.mjs --model DIR --data CSV --out JSON
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flags } from './args.mjs';
import { loadDataset, score } from './logistic.mjs';

const args = flags();
const model = JSON.parse(readFileSync(join(args.model, 'model.json'), 'utf8'));
const s = score(model, loadDataset(args.data, model.feature_names));
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify({ test_accuracy: s.accuracy, test_log_loss: s.log_loss }, null, 2)}\n`);
console.log(`holdout accuracy ${s.accuracy.toFixed(4)}, log loss ${s.log_loss.toFixed(4)}`);
