import { basename } from 'node:path';
import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { resolveModelUri } from '../registry/index.js';
import { createInferenceModel, createModelServer } from '../serve/index.js';
import { openStore } from '../store/index.js';
import { printLine } from './output.js';
import { parsePositiveInt } from './parse-args.js';

export function serveCommand(program: Command): void {
  program.command('serve')
    .description('serve a model over the Open Inference Protocol (/v2/...) and MLflow scoring (/invocations)')
    .requiredOption('--model <file|uri>', 'a .onnx file, or models:/NAME/VERSION | models:/NAME@ALIAS')
    .option('--name <name>', 'model name in the API (default: the registered name or the file name)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8080')
    .option('--max-batch-size <rows>', 'micro-batching: most rows merged into one runtime call', '64')
    .option('--max-latency-ms <ms>', 'micro-batching: longest a request waits for others', '2')
    .action(async (o: { model: string; name?: string; host: string; port: string; maxBatchSize: string; maxLatencyMs: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`--port expects 0..65535, got '${o.port}'.`);
      const latency = Number(o.maxLatencyMs);
      if (!(latency >= 0)) throw invalid(`--max-latency-ms expects a number >= 0, got '${o.maxLatencyMs}'.`);
      const batching = { maxBatchSize: parsePositiveInt('--max-batch-size', o.maxBatchSize), maxLatencyMs: latency };
      let source: Uint8Array | string = o.model;
      let name = o.name ?? basename(o.model).replace(/\.onnx$/, '');
      let version = '1';
      if (o.model.startsWith('models:/')) {
        const store = await openStore();
        try {
          const mv = await resolveModelUri(store, o.model);
          if (mv.blob.kind !== 'file') throw invalid(`${o.model} is a folder; serve needs a single .onnx file version.`);
          source = await store.objects.get(mv.blob.hash);
          name = o.name ?? mv.name;
          version = mv.version;
        } finally {
          await store.close();
        }
      }
      const model = await createInferenceModel({ name, version, source, batching });
      const server = createModelServer({ models: [model], host: o.host, port });
      const { port: bound } = await server.listen();
      printLine(`Serving ${name} v${version} on http://${o.host}:${bound} (OIP: /v2/models/${name}/infer, MLflow: /invocations). Ctrl-C stops.`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
