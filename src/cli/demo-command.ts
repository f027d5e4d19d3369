import type { Command } from 'commander';
import { runDemo } from '../demo/index.js';
import { printJson } from './output.js';

export function demoCommand(program: Command): void {
  program.command('demo')
    .description('run the end-to-end demo on the embedded store')
    .option('--home <dir>', 'where the demo project copy and its store live', '.slipway-demo')
    .option('--json', 'print JSON: {"home", "project", "pipelineRuns", "model", "champion"} instead of narration')
    .action(async (o: { home: string; json?: boolean }) => {
      const result = await runDemo({ home: o.home, narrate: !o.json });
      if (o.json) printJson(result);
    });
}
