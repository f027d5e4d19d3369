import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { writePackage, type WritePackageOptions } from '../package/index.js';
import { printJson, printLine } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { noteLocalStore, withStore } from './with-store.js';

interface PackageFlags {
  out: string;
  image?: string;
  replicas?: string;
  port?: string;
  autoscale?: string;
  targetCpu?: string;
  cpu?: string;
  memory?: string;
  force?: boolean;
  json?: boolean;
}

export function packageCommand(program: Command): void {
  program.command('package')
    .description('write what a cluster needs to serve a model version: Dockerfile, Kubernetes and KServe manifests')
    .argument('<name>', 'registered model name')
    .argument('<version>', 'version number, @alias (e.g. @production) or latest')
    .requiredOption('--out <dir>', 'folder to write (new or empty)')
    .option('--image <ref>', 'image the manifests run (default: slipway-<name>:<version>)')
    .option('--replicas <n>', 'pods when not autoscaled (default: 2)')
    .option('--port <port>', 'port the server listens on in the container (default: 8080)')
    .option('--autoscale <min:max>', 'scale on CPU between MIN and MAX pods (adds k8s/hpa.yaml)')
    .option('--target-cpu <pct>', 'autoscaling target: average CPU use in percent of the request (default: 70)')
    .option('--cpu <req[:limit]>', 'CPU request and optional limit, Kubernetes quantities (default: 250m:1)')
    .option('--memory <req[:limit]>', 'memory request and optional limit (default: 256Mi:512Mi)')
    .option('--force', 'replace --out when it is not empty')
    .option('--json', 'print JSON: {"out", "name", "image", "model": {"name", "version", "uri", "sha256", "size"}, "slipway", "files"}')
    .action(async (name: string, version: string, o: PackageFlags) => {
      const options = parseFlags(name, version, o);
      noteLocalStore('slipway package reads the model version from the local store');
      const result = await withStore((store) => writePackage(store, options));
      if (o.json) return printJson(result);
      printLine(`Packaged ${result.model.uri} (sha256 ${result.model.sha256.slice(0, 12)}) into ${result.out}:`);
      for (const f of result.files) printLine(`  ${f}`);
      printLine(`  slipway/ (Slipway ${result.slipway.version}, ${result.slipway.files} files)`);
      printLine(`Next: docker build -t ${result.image} ${result.out} && kubectl apply -f ${result.out}/k8s/ (or kserve/); see README.md there.`);
    });
}

function parseFlags(model: string, version: string, o: PackageFlags): WritePackageOptions {
  if (o.replicas !== undefined && o.autoscale !== undefined) {
    throw invalid('--replicas and --autoscale conflict: with --autoscale MIN:MAX the autoscaler sets the number of pods.');
  }
  if (o.targetCpu !== undefined && o.autoscale === undefined) throw invalid('--target-cpu needs --autoscale MIN:MAX.');
  const cpu = o.cpu === undefined ? undefined : requestLimit('--cpu', o.cpu);
  const memory = o.memory === undefined ? undefined : requestLimit('--memory', o.memory);
  return {
    model, version, out: o.out, force: o.force ?? false,
    ...(o.image !== undefined ? { image: o.image } : {}),
    ...(o.replicas !== undefined ? { replicas: parsePositiveInt('--replicas', o.replicas) } : {}),
    ...(o.port !== undefined ? { port: parsePort(o.port) } : {}),
    ...(o.autoscale !== undefined ? { autoscale: parseAutoscale(o.autoscale, o.targetCpu) } : {}),
    ...(cpu || memory
      ? { resources: { requests: { cpu: cpu?.request, memory: memory?.request }, limits: { cpu: cpu?.limit, memory: memory?.limit } } }
      : {}),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw invalid(`--port expects 1..65535, got '${text}'.`);
  return port;
}

function parseAutoscale(text: string, targetCpu: string | undefined): NonNullable<WritePackageOptions['autoscale']> {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) throw invalid(`--autoscale expects MIN:MAX, e.g. 2:10, got '${text}'.`);
  const [min, max] = [Number(m[1]), Number(m[2])];
  if (min < 1) throw invalid(`--autoscale: MIN must be at least 1, got ${min}.`);
  if (min > max) throw invalid(`--autoscale: MIN (${min}) is more than MAX (${max}).`);
  return { min, max, ...(targetCpu !== undefined ? { targetCpuPercent: parsePositiveInt('--target-cpu', targetCpu) } : {}) };
}

/** `REQ` or `REQ:LIMIT`; the quantities themselves are checked by the package options. */
function requestLimit(flag: string, text: string): { request: string; limit: string | undefined } {
  const [request, limit, extra] = text.split(':');
  if (!request || limit === '' || extra !== undefined) throw invalid(`${flag} expects REQUEST or REQUEST:LIMIT, e.g. 250m:1, got '${text}'.`);
  return { request, limit };
}
