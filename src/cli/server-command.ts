import type { Command } from 'commander';
import { countActiveTokens } from '../auth/index.js';
import { invalid } from '../errors.js';
import { createJsonLogger, parseLogLevel } from '../serve/index.js';
import { createServerApp, ROLES, type Role } from '../server/index.js';
import { openStore } from '../store/index.js';
import { printLine } from './output.js';
import { collect } from './parse-args.js';
import { projectAliasPolicies } from './project-registry.js';
import { noteLocalStore } from './with-store.js';

interface ServerFlags {
  host: string;
  port: string;
  auth?: string;
  logLevel: string;
  accessLog?: boolean;
  approverRole: string[];
  webhookPollMs: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function serverCommand(program: Command): void {
  program.command('server')
    .description('the Slipway server: MLflow-compatible tracking and registry REST API, native API (/api/v1), /metrics')
    .option('--host <host>', 'interface to listen on; anything but loopback requires tokens', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '5000')
    .option('--auth <mode>', 'required | off (default: off on 127.0.0.1, required elsewhere)')
    .option('--log-level <level>', 'JSON logs on stderr: debug | info | warn | error', 'info')
    .option('--access-log', 'one JSON log line per request')
    .option('--approver-role <role>', 'a role besides admin that may approve and move protected aliases (repeatable)', collect, [])
    .option('--webhook-poll-ms <ms>', 'how often registry webhook events are looked for and due deliveries sent (0: this server sends none)', '1000')
    .action(async (o: ServerFlags) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`--port expects 0..65535, got '${o.port}'.`);
      const level = parseLogLevel(o.logLevel);
      if (!level) throw invalid(`--log-level expects debug, info, warn or error, got '${o.logLevel}'.`);
      if (o.auth !== undefined && o.auth !== 'required' && o.auth !== 'off') throw invalid(`--auth expects required or off, got '${o.auth}'.`);
      const loopback = LOOPBACK.has(o.host);
      if (o.auth === 'off' && !loopback) throw invalid(`--auth off is only allowed on 127.0.0.1: a server on ${o.host} is reachable by others.`);
      const approverRoles = o.approverRole.map((r) => {
        if (!(ROLES as readonly string[]).includes(r)) throw invalid(`--approver-role expects ${ROLES.join(', ')}, got '${r}'.`);
        return r as Role;
      });
      const pollMs = Number(o.webhookPollMs);
      if (!Number.isInteger(pollMs) || pollMs < 0) throw invalid(`--webhook-poll-ms expects a whole number of milliseconds >= 0, got '${o.webhookPollMs}'.`);
      const aliasPolicies = await projectAliasPolicies();
      const required = o.auth === 'required' || !loopback;
      const log = createJsonLogger({ level });
      noteLocalStore('slipway server serves the local store');
      const store = await openStore();
      try {
        const webhooks = pollMs === 0 ? false : { intervalMs: pollMs };
        const app = await createServerApp({ store, log, accessLog: !!o.accessLog, auth: { required }, aliasPolicies, approverRoles, webhooks });
        const address = await app.listen({ host: o.host, port });
        const url = address.replace('[::1]', 'localhost');
        log.info('server started', { url, auth: required ? 'required' : 'off', database: store.dialect });
        printLine(`Slipway server on ${url} (MLflow: MLFLOW_TRACKING_URI=${url}; native API: /api/v1; auth ${required ? 'required' : 'off'}). Ctrl-C stops.`);
        if (required && (await countActiveTokens(store)) === 0) {
          printLine("No API token exists yet, so every API call is refused (401). Create one: slipway tokens create --name NAME --role admin");
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await app.close();
      } finally {
        await store.close();
      }
    });
}
