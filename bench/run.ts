import { dataBench } from './data.bench.js';
import { driftBench } from './drift.bench.js';
import { hashingBench } from './hashing.bench.js';
import { metricLoggingBench } from './metric-logging.bench.js';
import { pipelineNoopBench } from './pipeline-noop.bench.js';
import { type BenchResult, printResults } from './report.js';
import { searchRunsBench } from './search-runs.bench.js';
import { serveBench } from './serve.bench.js';
import { serveRolloutBench } from './serve-rollout.bench.js';
import { serveMemoryBench } from './serve-memory.bench.js';
import { servePayloadBench } from './serve-payload.bench.js';
import { serveOffloadBench } from './serve-offload.bench.js';
import { serverArtifactsBench } from './server-artifacts.bench.js';
import { serverTrackingBench } from './server-tracking.bench.js';
import { trainBench } from './train.bench.js';

/** `npm run bench`: every benchmark, each figure beside a baseline measured in this same run. */
const suites: Record<string, () => Promise<BenchResult[]>> = {
  'metric logging': metricLoggingBench,
  'run search': searchRunsBench,
  'pipeline no-op': pipelineNoopBench,
  hashing: hashingBench,
  'data validation and profiling': dataBench,
  'drift detection': driftBench,
  training: trainBench,
  serving: serveBench,
  'serving: blue/green switch': serveRolloutBench,
  'serving: memory': serveMemoryBench,
  'serving: payload log': servePayloadBench,
  'serving: big requests off the event loop': serveOffloadBench,
  'server: 1 GiB artifact through the proxy': serverArtifactsBench,
  'server: tracking': serverTrackingBench,
};

const only = process.argv.slice(2);
let failed = 0;
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n== ${name}\n`);
  const results = await run();
  printResults(results);
  failed += results.filter((r) => !r.pass).length;
}
process.stdout.write(`\n${failed === 0 ? 'All benchmark targets met.' : `${failed} benchmark target(s) missed.`}\n`);
process.exitCode = failed === 0 ? 0 : 1;
