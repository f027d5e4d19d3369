/**
 * Test projects for `slipway run`: a fresh temp folder with slipway.yaml, params.yaml and small node
 * scripts, its embedded store in `<project>/.slipway`, and helpers to run the pipeline through the API
 * or through the CLI (in-process, with the cwd moved into the project for the call).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { loadPipeline, type PipelineSpec } from '../../src/config/index.js';
import { type LockFile, type PipelineReport, readLock, runPipeline, type RunPipelineOptions } from '../../src/pipeline/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';

// The store must be the project's own `.slipway`, whatever the developer's shell says.
for (const k of ['SLIPWAY_HOME', 'SLIPWAY_DATABASE_URL', 'SLIPWAY_ARTIFACTS', 'SLIPWAY_TRACKING_URI']) delete process.env[k];

/**
 * A generic stage: `node step.mjs NAME OUT [--in FILE]... [--param KEY]... [--tag TEXT]`.
 * Appends NAME to runs.log (outside every out, so a test can count executions) and writes OUT with the
 * stage name, each input's content and each param's value as read from params.yaml (`key: value` lines).
 */
export const STEP_SCRIPT = `
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
const [name, out, ...rest] = process.argv.slice(2);
appendFileSync('runs.log', name + '\\n');
const params = Object.fromEntries(readFileSync('params.yaml', 'utf8').split('\\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
const lines = [name];
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (flag === '--in') lines.push(value + '=' + readFileSync(value, 'utf8').trim());
  else if (flag === '--param') lines.push(value + '=' + params[value]);
  else if (flag === '--tag') lines.push('tag=' + value);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join('\\n') + '\\n');
console.log('wrote ' + out);
`;

export interface Project {
  readonly dir: string;
  write(rel: string, content: string): Promise<void>;
  read(rel: string): string;
  exists(rel: string): boolean;
  remove(rel: string): Promise<void>;
  /** Lines of runs.log (one per stage execution through STEP_SCRIPT). */
  runsLog(): string[];
  spec(overrides?: Record<string, unknown>): Promise<PipelineSpec>;
  /** The project's embedded store (opened once, closed by dispose). */
  store(): Promise<Store>;
  run(options?: RunPipelineOptions & { set?: Record<string, unknown> }): Promise<PipelineReport>;
  lock(): Promise<LockFile>;
  /** slipway.lock parsed as plain YAML (checks it is YAML, not just what readLock accepts). */
  lockYaml(): unknown;
  /** Runs the CLI in this process with the project as the cwd. */
  cli(args: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  dispose(): Promise<void>;
}

export async function createProject(files: Record<string, string>): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-pipe-'));
  let store: Store | undefined;
  const write = async (rel: string, content: string) => {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  };
  for (const [rel, content] of Object.entries(files)) await write(rel, content);
  const project: Project = {
    dir,
    write,
    read: (rel) => readFileSync(join(dir, rel), 'utf8'),
    exists: (rel) => existsSync(join(dir, rel)),
    remove: (rel) => rm(join(dir, rel), { recursive: true, force: true }),
    runsLog: () => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').split('\n').filter(Boolean) : []),
    spec: (overrides = {}) => loadPipeline(join(dir, 'slipway.yaml'), { overrides }),
    async store() {
      store ??= await openStore({ cwd: dir, actor: 'tester' });
      return store;
    },
    async run(options = {}) {
      const { set, ...rest } = options;
      const spec = await project.spec(set ?? {});
      const overrides = set ? Object.fromEntries(Object.entries(set).map(([k, v]) => [k, String(v)])) : undefined;
      return runPipeline(await project.store(), spec, { jobs: 4, ...(overrides ? { overrides } : {}), ...rest });
    },
    lock: () => readLock(dir),
    lockYaml: () => parse(readFileSync(join(dir, 'slipway.lock'), 'utf8')),
    async cli(args, env = {}) {
      const before = process.cwd();
      process.chdir(dir);
      try {
        return await runCli(args, env);
      } finally {
        process.chdir(before);
      }
    },
    async dispose() {
      await store?.close();
      store = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/** `{stage: outcome}` of a report, for one exact assertion. */
export function outcomes(report: PipelineReport): Record<string, string> {
  return Object.fromEntries(report.stages.map((s) => [s.stage, s.outcome]));
}

/** The report entry of one stage (fails the test when absent). */
export function stageOf(report: PipelineReport, name: string) {
  const s = report.stages.find((x) => x.stage === name);
  if (!s) throw new Error(`stage ${name} not in report: ${report.stages.map((x) => x.stage).join(', ')}`);
  return s;
}

/** The sha256 of some text, as lock entries record a file's hash. */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
