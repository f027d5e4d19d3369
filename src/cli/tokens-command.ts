import type { Command } from 'commander';
import { createToken, listTokens, revokeToken, ROLES, tokenStatus, type Role } from '../auth/index.js';
import { invalid } from '../errors.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { noteLocalStore, withStore } from './with-store.js';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w` → milliseconds ('m' is minutes). */
export function parseLifetime(text: string): number {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0) : 0;
  if (ms <= 0) throw invalid(`--expires expects a lifetime like 30d, 12h, 90m (minutes) or 2w, got '${text}'.`);
  return ms;
}

/** A server's tokens are kept in its own store, so they are made where that store is, never through the API. */
const noteTokens = () => noteLocalStore("slipway tokens manages the tokens of the local store (a server's tokens are managed where its store is)");

export function tokensCommand(program: Command): void {
  const cmd = program.command('tokens').description("API tokens for 'slipway server' (whoever can open the store manages them)");

  cmd.command('create')
    .description('create a token; its secret is printed once and only its sha256 is kept')
    .requiredOption('--name <name>', 'who the token acts as: recorded on runs, versions and audit entries')
    .requiredOption('--role <role>', `${ROLES.join(' | ')}: viewers read; editors also log, register and deploy; admins also approve and move protected aliases`)
    .option('--description <text>', 'what the token is for', '')
    .option('--expires <lifetime>', 'lifetime such as 30d, 12h, 90m (minutes), 2w (default: never expires)')
    .option('--json', 'print JSON: {"api_token": ApiToken, "token": "<secret>"}')
    .action(async (o: { name: string; role: string; description: string; expires?: string; json?: boolean }) => {
      const expiresIn = o.expires === undefined ? undefined : parseLifetime(o.expires);
      noteTokens();
      const { token, ...created } = await withStore((s) => createToken(s, {
        name: o.name, role: o.role as Role, description: o.description, ...(expiresIn === undefined ? {} : { expiresIn }),
      }));
      if (o.json) return printJson({ api_token: created, token });
      const expiry = created.expires_time === null ? 'never expires' : `expires ${formatTime(created.expires_time)}`;
      printLine(`Created ${created.id} acting as '${created.name}' (role ${created.role}; ${expiry}). Its secret, shown only this once:`);
      printLine();
      printLine(`  ${token}`);
      printLine();
      printLine('MLflow clients send it with MLFLOW_TRACKING_TOKEN=<secret>, or MLFLOW_TRACKING_USERNAME=<any> and MLFLOW_TRACKING_PASSWORD=<secret>.');
    });

  cmd.command('list')
    .description('every token, newest first, with its status (never the secret)')
    .option('--json', 'print JSON: {"api_tokens": [ApiToken & {"status": "active" | "expired" | "revoked"}]}')
    .action(async (o: { json?: boolean }) => {
      noteTokens();
      const { tokens, now } = await withStore(async (s) => ({ tokens: await listTokens(s), now: s.now() }));
      const rows = tokens.map((t) => ({ ...t, status: tokenStatus(t, now) }));
      if (o.json) return printJson({ api_tokens: rows });
      printTable(['ID', 'NAME', 'ROLE', 'STATUS', 'CREATED', 'BY', 'EXPIRES', 'LAST USED', 'DESCRIPTION'], rows.map((t) => [
        t.id, t.name, t.role, t.status, formatTime(t.created_time), t.created_by, formatTime(t.expires_time ?? undefined), formatTime(t.last_used_time ?? undefined), t.description,
      ]));
    });

  cmd.command('revoke')
    .description('revoke a token; running servers refuse it within 10 seconds')
    .argument('<id>', "the token's id (tok_…), as 'slipway tokens list' shows it")
    .option('--reason <text>', 'why: recorded in the audit log', '')
    .option('--json', 'print JSON: {"api_token": ApiToken}')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      noteTokens();
      const { token, alreadyRevoked } = await withStore((s) => revokeToken(s, id, { reason: o.reason }));
      if (o.json) return printJson({ api_token: token });
      printLine(!alreadyRevoked
        ? `Revoked ${token.id} ('${token.name}'). Running servers refuse it within 10 seconds.`
        : `${token.id} ('${token.name}') was already revoked at ${formatTime(token.revoked_time ?? undefined)}.`);
    });
}
