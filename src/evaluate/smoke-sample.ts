import { columnByName, type Table, valueAt } from '../data/index.js';
import { sampleSmokeCases, type SmokeCases } from '../serve/index.js';
import { predict, takeRows, type TrainedModel } from '../train/index.js';

/**
 * Up to `maxRows` evenly spaced rows of the evaluation table with the predictions the evaluation
 * saw: what `slipway deploy` checks a version against by default before it takes traffic.
 */
export function evaluationSmokeSample(model: TrainedModel, table: Table, maxRows = 100): SmokeCases {
  const step = Math.max(1, Math.ceil(table.rowCount / maxRows));
  const picked: number[] = [];
  for (let r = 0; r < table.rowCount; r += step) picked.push(r);
  const rows = takeRows(table, Uint32Array.from(picked));
  const columns: Record<string, unknown[]> = {};
  for (const f of model.preprocessor.features) {
    const col = columnByName(rows, f.name);
    columns[f.name] = Array.from({ length: rows.rowCount }, (_, i) => {
      const v = col ? valueAt(col, i) : null;
      if (v instanceof Date) return f.kind === 'numeric' ? v.getTime() : v.toISOString();
      return typeof v === 'number' && !Number.isFinite(v) ? null : v;
    });
  }
  return sampleSmokeCases(columns, predict(model, rows), model.classes);
}
