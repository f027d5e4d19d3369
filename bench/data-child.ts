import { readFileSync } from 'node:fs';
import { loadSuite, profileChunks, readChunks, validateChunks } from '../src/data/index.js';

/**
 * One measured operation in a fresh process, so peak RSS is that operation's own:
 * `node data-child.js parse|validate|profile FILE [SUITE]` prints {"ms", "maxRssMb", "rows"}.
 */
const [mode, file, suitePath] = process.argv.slice(2);
if (!file) throw new Error('usage: data-child parse|validate|profile FILE [SUITE]');
const started = performance.now();
const chunks = readChunks(file);
if (mode === 'parse') {
  for await (const _chunk of chunks) {
    // reading into columns is the whole job
  }
} else if (mode === 'validate') {
  const suite = loadSuite(readFileSync(suitePath as string, 'utf8'), { file: suitePath as string });
  const result = await validateChunks(suite, chunks);
  if (!result.success) throw new Error('the bench suite should pass on the bench data');
} else if (mode === 'profile') {
  await profileChunks(chunks);
} else throw new Error(`unknown mode ${mode}`);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, rows: chunks.stats.rows })}\n`);
