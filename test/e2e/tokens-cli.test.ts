import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/ensure-dist.js';
import { runCli } from '../helpers/run-cli.js';

let home: string;
let child: ChildProcess | undefined;
const cli = (args: string[]) => runCli(args, { SLIPWAY_HOME: home, SLIPWAY_USER: 'root' });

interface TokenJson { id: string; name: string; role: string; status?: string; revoked_time: number | null; expires_time: number | null }

beforeAll(async () => {
  await ensureBuilt();
  home = await mkdtemp(join(tmpdir(), 'slipway-tokens-cli-'));
}, 200_000);
afterAll(async () => {
  child?.kill('SIGTERM');
  if (home) await rm(home, { recursive: true, force: true });
});

describe('slipway tokens', () => {
  it('creates, lists and revokes tokens, printing the secret once and auditing both changes', async () => {
    const created = await cli(['tokens', 'create', '--name', 'ci-bot', '--role', 'editor', '--description', 'GitHub Actions', '--expires', '30d']);
    expect(created.code).toBe(0);
    const secret = /^ {2}(slw_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1] ?? '';
    expect(secret).not.toBe('');
    expect(created.stdout).toMatch(/^Created tok_[0-9a-f]{16} acting as 'ci-bot' \(role editor; expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)\. Its secret, shown only this once:$/m);

    const json = await cli(['tokens', 'create', '--name', 'reader', '--role', 'viewer', '--json']);
    const { api_token: reader, token } = json.json<{ api_token: TokenJson; token: string }>();
    expect(token).toMatch(/^slw_/);
    expect(reader).toMatchObject({ name: 'reader', role: 'viewer', expires_time: null, revoked_time: null });
    expect(reader).not.toHaveProperty('token');

    const revoked = await cli(['tokens', 'revoke', reader.id, '--reason', 'not needed']);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${reader.id} ('reader'). Running servers refuse it within 10 seconds.\n` });
    const again = await cli(['tokens', 'revoke', reader.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^${reader.id} \\('reader'\\) was already revoked at `));

    const list = await cli(['tokens', 'list', '--json']);
    expect(list.stdout).not.toContain(secret.slice(4));
    expect(list.stdout).not.toContain(token.slice(4));
    expect(list.json<{ api_tokens: TokenJson[] }>().api_tokens.map((k) => [k.name, k.role, k.status])).toEqual([['reader', 'viewer', 'revoked'], ['ci-bot', 'editor', 'active']]);
    const table = await cli(['tokens', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ROLE\s+STATUS\s+CREATED\s+BY\s+EXPIRES\s+LAST USED\s+DESCRIPTION$/);
    expect(table.stdout).toMatch(/ci-bot\s+editor\s+active\s.*root.*GitHub Actions/);

    const audit = (await cli(['audit', 'list', '--action', 'token.', '--json'])).json<{ entries: { actor: string; action: string; subject_id: string; reason: string }[] }>();
    expect(audit.entries.map((e) => [e.actor, e.action, e.reason])).toEqual([['root', 'token.revoke', 'not needed'], ['root', 'token.create', ''], ['root', 'token.create', '']]);
  });

  it('refuses bad input with exit 2 and a message saying what to do', async () => {
    const role = await cli(['tokens', 'create', '--name', 'x', '--role', 'owner']);
    expect(role).toMatchObject({ code: 2, stderr: "slipway: Invalid role 'owner': expected viewer, editor, admin.\n" });
    const expires = await cli(['tokens', 'create', '--name', 'x', '--role', 'viewer', '--expires', '30 days']);
    expect(expires).toMatchObject({ code: 2, stderr: "slipway: --expires expects a lifetime like 30d, 12h, 90m (minutes) or 2w, got '30 days'.\n" });
    const unknown = await cli(['tokens', 'revoke', 'tok_nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("slipway: No API token with id 'tok_nope'.");
    expect((await cli(['tokens', 'create', '--role', 'viewer'])).code).toBe(2);
  });

  it("refuses 'slipway server --auth off' on a host others can reach", async () => {
    const r = await cli(['server', '--host', '0.0.0.0', '--auth', 'off']);
    expect(r).toMatchObject({ code: 2, stderr: 'slipway: --auth off is only allowed on 127.0.0.1: a server on 0.0.0.0 is reachable by others.\n' });
    const poll = await cli(['server', '--webhook-poll-ms', 'soon']);
    expect(poll).toMatchObject({ code: 2, stderr: "slipway: --webhook-poll-ms expects a whole number of milliseconds >= 0, got 'soon'.\n" });
  });
});

describe('slipway server with auth required', () => {
  it('starts without tokens saying how to make one, then takes tokens made meanwhile and drops revoked ones within 10 s', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'slipway-tokens-server-'));
    const env = { ...process.env, SLIPWAY_HOME: fresh, SLIPWAY_USER: 'root' };
    child = spawn(process.execPath, [join(ROOT, 'bin', 'slipway.js'), 'server', '--port', '0', '--auth', 'required', '--log-level', 'error'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const base = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)[\s\S]*\n.*slipway tokens create/.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child?.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stdout} ${stderr}`)));
    });
    expect(stdout).toContain('No API token exists yet, so every API call is refused (401). Create one: slipway tokens create --name NAME --role admin');

    const search = (authorization?: string) =>
      fetch(`${base}/api/2.0/mlflow/experiments/search?max_results=10`, authorization ? { headers: { authorization } } : {});
    const refused = await search();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Basic realm="slipway"');
    expect(await refused.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });

    const made = (await runCli(['tokens', 'create', '--name', 'bob', '--role', 'viewer', '--json'], { SLIPWAY_HOME: fresh })).json<{ api_token: TokenJson; token: string }>();
    expect((await search(`Bearer ${made.token}`)).status).toBe(200);
    expect((await search(`Basic ${Buffer.from(`anyone:${made.token}`).toString('base64')}`)).status).toBe(200);

    expect((await runCli(['tokens', 'revoke', made.api_token.id], { SLIPWAY_HOME: fresh })).code).toBe(0);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 12_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await search(`Bearer ${made.token}`)).status;
    }
    expect(status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    await rm(fresh, { recursive: true, force: true });
  }, 60_000);
});
