import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { createJsonLogger, type FixedModel, parseLogLevel, startServingApp } from '../serve/index.js';
import { openStore, type Store } from '../store/index.js';
import { resolveModelSource } from './model-source.js';
import { printLine } from './output.js';
import { noteLocalStore } from './with-store.js';
import { collect, parsePositiveInt } from './parse-args.js';

interface ServeFlags {
  model?: string;
  deployment: string[];
  name?: string;
  host: string;
  port: string;
  maxBatchSize: string;
  maxLatencyMs: string;
  maxBodyMb: string;
  offloadRows: string;
  pollMs: string;
  payloadLog?: boolean;
  sampleRate: string;
  payloadFormat: string;
  logLevel: string;
  accessLog?: boolean;
}

export function serveCommand(program: Command): void {
  program.command('serve')
    .description('serve models over the Open Inference Protocol (/v2/...) and MLflow scoring (/invocations), with /metrics and /v1/feedback')
    .option('--deployment <name>', 'serve a deployment, following `slipway deploy` and `slipway rollback` without a restart (repeatable)', collect, [])
    .option('--model <file|uri>', 'serve one fixed model: a .onnx file, or models:/NAME/VERSION | models:/NAME@ALIAS')
    .option('--name <name>', 'with --model: its name in the API (default: the registered name or the file name)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8080')
    .option('--max-batch-size <rows>', 'micro-batching: most rows merged into one runtime call', '64')
    .option('--max-latency-ms <ms>', 'micro-batching: longest a request waits for others', '2')
    .option('--offload-rows <n>', 'requests of at least this many rows run in a worker thread, off the event loop (0: never)', '1024')
    .option('--max-body-mb <mb>', 'largest request body accepted (413 beyond)', '10')
    .option('--poll-ms <ms>', 'how often a deployment checks for a new revision', '1000')
    .option('--payload-log', 'log served predictions (inputs, outputs, version, latency, request id) to the object store')
    .option('--sample-rate <r>', 'with --payload-log: share of requests logged, 0..1', '1')
    .option('--payload-format <f>', 'with --payload-log: jsonl | parquet', 'jsonl')
    .option('--log-level <level>', 'JSON logs on stderr: debug | info | warn | error', 'info')
    .option('--access-log', 'one JSON log line per request')
    .action(async (o: ServeFlags) => {
      if (!o.model && o.deployment.length === 0) throw invalid('give --deployment NAME or --model FILE|URI.');
      if (o.model && o.deployment.length > 0) throw invalid('give --deployment or --model, not both: a deployment names its own versions.');
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`--port expects 0..65535, got '${o.port}'.`);
      const latency = Number(o.maxLatencyMs);
      if (!(latency >= 0)) throw invalid(`--max-latency-ms expects a number >= 0, got '${o.maxLatencyMs}'.`);
      const sampleRate = Number(o.sampleRate);
      if (!(sampleRate >= 0 && sampleRate <= 1)) throw invalid(`--sample-rate expects a number in 0..1, got '${o.sampleRate}'.`);
      if (o.payloadFormat !== 'jsonl' && o.payloadFormat !== 'parquet') throw invalid(`--payload-format expects jsonl or parquet, got '${o.payloadFormat}'.`);
      const level = parseLogLevel(o.logLevel);
      if (!level) throw invalid(`--log-level expects debug, info, warn or error, got '${o.logLevel}'.`);
      const batching = { maxBatchSize: parsePositiveInt('--max-batch-size', o.maxBatchSize), maxLatencyMs: latency };
      const maxBodyBytes = parsePositiveInt('--max-body-mb', o.maxBodyMb) * 1024 * 1024;
      const pollMs = parsePositiveInt('--poll-ms', o.pollMs);
      const offloadRows = Number(o.offloadRows);
      if (!Number.isInteger(offloadRows) || offloadRows < 0) throw invalid(`--offload-rows expects a whole number >= 0, got '${o.offloadRows}'.`);

      let models: FixedModel[] = [];
      if (o.model) {
        const resolved = await resolveModelSource(o.model, 'serve');
        models = [{ name: o.name ?? resolved.name, version: resolved.version ?? '1', source: resolved.source }];
      }
      // The store holds deployments, the payload log and feedback; a plain model file needs none.
      const needsStore = o.deployment.length > 0 || o.payloadLog || o.model?.startsWith('models:/');
      if (needsStore) noteLocalStore('slipway serve follows deployments and keeps its payload log and feedback in the local store');
      const store: Store | undefined = needsStore ? await openStore() : undefined;
      const log = createJsonLogger({ level });
      try {
        const app = await startServingApp({
          ...(store ? { store } : {}), deployments: o.deployment, models, batching, pollMs, offloadMinRows: offloadRows === 0 ? false : offloadRows, log, accessLog: !!o.accessLog,
          host: o.host, port, maxBodyBytes,
          payloadLog: o.payloadLog ? { sampleRate, format: o.payloadFormat } : false,
        });
        const names = app.endpoints.map((e) => `${e.name} v${e.current()?.version ?? '?'}`).join(', ');
        const first = app.endpoints[0]?.name ?? '';
        printLine(`Serving ${names} on ${app.url} (OIP: /v2/models/${first}/infer, MLflow: /invocations, /metrics${store ? ', /v1/feedback' : ''}). Ctrl-C stops.`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await app.close();
      } finally {
        await store?.close();
      }
    });
}
