// Trains the model and writes it with its training metrics and per-epoch history (a plots file).
// Usage: node src/train.mjs --data CSV --model DIR --metrics JSON --history JSON --features a,b,c
//          --learning-rate X --epochs N --batch-size N --seed N
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flags } from './args.mjs';
import { fit, loadDataset } from './logistic.mjs';

const args = flags();
const features = String(args.features).split(',');
const data = loadDataset(args.data, features);
const history = [];
const hyper = { learning_rate: args['learning-rate'], epochs: args.epochs, batch_size: args['batch-size'], seed: args.seed };
const model = fit(data, hyper, (epoch, m) => {
  history.push({ step: epoch, train_accuracy: m.accuracy, train_loss: m.log_loss });
  console.log(`epoch ${epoch}: accuracy ${m.accuracy.toFixed(4)}, log loss ${m.log_loss.toFixed(4)}`);
});
for (const f of [join(args.model, 'model.json'), args.metrics, args.history]) mkdirSync(dirname(f), { recursive: true });
writeFileSync(join(args.model, 'model.json'), `${JSON.stringify({ kind: 'example.logistic/v1', feature_names: features, ...model }, null, 2)}\n`);
const last = history.at(-1);
writeFileSync(args.metrics, `${JSON.stringify({ train_accuracy: last.train_accuracy, train_loss: last.train_loss }, null, 2)}\n`);
writeFileSync(args.history, `${JSON.stringify(history, null, 2)}\n`);
