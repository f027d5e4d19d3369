import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { printJson, printLine, printTable } from './output.js';
import { withTracking } from './with-store.js';

export function artifactsCommand(program: Command): void {
  const cmd = program.command('artifacts').description("store and fetch a run's files (content-addressed)");

  cmd.command('put <run-id> <local-path>')
    .description('log a file or folder as artifacts of a run')
    .option('--path <artifact-dir>', 'folder inside the run artifact tree to put it under', '')
    .option('--json', 'print JSON: {"artifacts": [{"path", "is_dir", "file_size", "hash"}]}')
    .action(async (runId: string, local: string, o: { path: string; json?: boolean }) => {
      const artifacts = await withTracking((t) => t.logArtifact(runId, local, o.path));
      if (o.json) return printJson({ artifacts });
      printLine(`Stored ${artifacts.length} file(s) for run ${runId}:`);
      for (const a of artifacts) printLine(`  ${a.path}  ${a.file_size} bytes  sha256:${a.hash?.slice(0, 12)}`);
    });

  cmd.command('get <run-id> <artifact-path>')
    .description('copy an artifact file or folder out of the store (verified by hash)')
    .option('-o, --out <dest>', 'destination path (default: its own name in the current folder)')
    .option('--json', 'print JSON: {"path", "dest", "kind", "files"}')
    .action(async (runId: string, path: string, o: { out?: string; json?: boolean }) => {
      const dest = resolve(o.out ?? (basename(path) || 'artifacts'));
      const r = await withTracking((t) => t.downloadArtifact(runId, path, dest));
      if (o.json) return printJson({ path, dest, ...r });
      printLine(`Wrote ${r.kind === 'file' ? 'file' : `${r.files} file(s)`} to ${dest}.`);
    });

  cmd.command('ls <run-id> [path]')
    .description("list a run's artifacts (one folder level)")
    .option('--json', 'print JSON: {"root_uri", "files": [{"path", "is_dir", "file_size"?, "hash"?}]}')
    .action(async (runId: string, path: string | undefined, o: { json?: boolean }) => {
      const files = await withTracking((t) => t.listArtifacts(runId, path));
      if (o.json) return printJson({ root_uri: `runs:/${runId}`, files });
      printTable(['PATH', 'SIZE', 'SHA256'], files.map((f) => [f.is_dir ? `${f.path}/` : f.path, f.is_dir ? '' : String(f.file_size), f.hash?.slice(0, 12) ?? '']));
    });
}
