import { execFileSync } from 'node:child_process';

export interface GitInfo {
  readonly commit: string;
  /** Uncommitted changes to tracked files (the lock and .slipway/ aside). */
  readonly dirty: boolean;
}

/** The project's git commit and dirty state, or undefined outside a git checkout. */
export function gitInfo(cwd: string): GitInfo | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const commit = git('rev-parse', 'HEAD');
    const status = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)slipway.lock');
    return { commit, dirty: status.length > 0 };
  } catch {
    return undefined;
  }
}

/** A file's content at a git ref, or undefined when it did not exist there. */
export function gitShow(cwd: string, ref: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${ref}:./${path}`], { cwd, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();
  } catch {
    return undefined;
  }
}
