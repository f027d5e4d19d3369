import { Command, CommanderError } from 'commander';
import { artifactsCommand } from './artifacts-command.js';
import { auditCommand } from './audit-command.js';
import { demoCommand } from './demo-command.js';
import { experimentsCommand } from './experiments-command.js';
import { modelsCommand } from './models-command.js';
import { pipelineCommands } from './pipeline-command.js';
import { dataCommands } from './data-command.js';
import { driftCommand } from './drift-command.js';
import { modelCommands } from './model-commands.js';
import { serveCommand } from './serve-command.js';
import { serverCommand } from './server-command.js';
import { tokensCommand } from './tokens-command.js';
import { predictCommand } from './predict-command.js';
import { deployCommands } from './deploy-commands.js';
import { monitorCommands } from './monitor-commands.js';
import { packageCommand } from './package-command.js';
import { registerValidateStage } from '../data/index.js';
import { registerEvaluateStages } from '../evaluate/index.js';
import { registerTrainStage } from '../train/index.js';
import { reportError } from './output.js';
import { runsCommand } from './runs-command.js';
import { VERSION } from '../version.js';
import { webhooksCommand } from './webhooks-command.js';

export function buildProgram(): Command {
  // Built-in stage kinds must be known before any slipway.yaml is loaded.
  registerValidateStage();
  registerTrainStage();
  registerEvaluateStages();
  const program = new Command('slipway')
    .description('CI/CD for machine-learning models')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  experimentsCommand(program);
  runsCommand(program);
  artifactsCommand(program);
  modelsCommand(program);
  auditCommand(program);
  pipelineCommands(program);
  dataCommands(program);
  driftCommand(program);
  modelCommands(program);
  serveCommand(program);
  serverCommand(program);
  tokensCommand(program);
  predictCommand(program);
  deployCommands(program);
  monitorCommands(program);
  packageCommand(program);
  webhooksCommand(program);
  demoCommand(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a check failed, 2 usage or input error, 3 internal. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    const code = reportError(err, argv.includes('--json'));
    return (err as { exitCode?: number }).exitCode ?? code;
  }
}
