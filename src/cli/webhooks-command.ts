import type { Command } from 'commander';
import { invalid } from '../errors.js';
import { DELIVERY_STATUSES, type UpdateWebhookOptions, type Webhook, WEBHOOK_EVENTS } from '../server/index.js';
import { formatTime, printJson, printLine, printTable } from './output.js';
import { parsePositiveInt } from './parse-args.js';
import { withOps } from './with-store.js';

const eventList = (text: string) => text.split(',').map((e) => e.trim()).filter((e) => e !== '');

/**
 * `slipway webhooks ...`: subscribe URLs to registry events. A running `slipway server` delivers them
 * (from any process's changes: they are read from the audit log), so the URL must be reachable from it.
 * With SLIPWAY_TRACKING_URI the subscriptions are the server's (its native API; an admin token).
 */
export function webhooksCommand(program: Command): void {
  const cmd = program.command('webhooks').description(`registry webhooks: signed POSTs on ${WEBHOOK_EVENTS.join(', ')}; delivered by \`slipway server\``);

  cmd.command('create')
    .description('subscribe a URL; the secret that signs its deliveries is printed once')
    .requiredOption('--url <url>', 'http:// or https:// URL the server will POST to')
    .requiredOption('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}`)
    .option('--model <name>', "only this model's events")
    .option('--secret <secret>', 'the signing key (at least 16 characters; default: generated)')
    .option('--description <text>', 'what it is for')
    .option('--json', 'print JSON: {"webhook": Webhook, "secret"}')
    .action(async (o: { url: string; events: string; model?: string; secret?: string; description?: string; json?: boolean }) => {
      const { webhook, secret } = await withOps((ops) => ops.createWebhook({
        url: o.url, events: eventList(o.events), ...(o.model ? { modelName: o.model } : {}), ...(o.secret ? { secret: o.secret } : {}),
        ...(o.description ? { description: o.description } : {}),
      }));
      if (o.json) return printJson({ webhook, secret });
      printLine(`Webhook ${webhook.id}: ${webhook.events.join(', ')}${webhook.model_name ? ` of ${webhook.model_name}` : ''} → ${webhook.url}`);
      if (!o.secret) printLine(`Secret (shown only now; deliveries are signed with it): ${secret}`);
    });

  cmd.command('list')
    .option('--json', 'print JSON: {"webhooks": [Webhook]}')
    .action(async (o: { json?: boolean }) => {
      const webhooks = await withOps((ops) => ops.listWebhooks());
      if (o.json) return printJson({ webhooks });
      printTable(['ID', 'STATUS', 'EVENTS', 'MODEL', 'URL', 'CREATED'], webhooks.map((w) => [
        w.id, w.status, w.events.join(','), w.model_name ?? '(all)', w.url, `${formatTime(w.created_time)} by ${w.created_by}`,
      ]));
    });

  cmd.command('update')
    .description('change a subscription (its secret stays)')
    .argument('<id>', 'webhook id')
    .option('--url <url>', 'new URL')
    .option('--events <list>', 'new comma-separated events')
    .option('--model <name>', "only this model's events")
    .option('--all-models', "every model's events")
    .option('--description <text>', 'new description')
    .option('--disable', 'stop delivering (pending deliveries wait)')
    .option('--enable', 'deliver again')
    .option('--json', 'print JSON: {"webhook": Webhook}')
    .action(async (id: string, o: { url?: string; events?: string; model?: string; allModels?: boolean; description?: string; disable?: boolean; enable?: boolean; json?: boolean }) => {
      if (o.model && o.allModels) throw invalid('--model and --all-models contradict each other; give one.');
      if (o.disable && o.enable) throw invalid('--disable and --enable contradict each other; give one.');
      const changes: UpdateWebhookOptions = {
        ...(o.url !== undefined ? { url: o.url } : {}), ...(o.events !== undefined ? { events: eventList(o.events) } : {}),
        ...(o.model ? { modelName: o.model } : {}), ...(o.allModels ? { modelName: null } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
        ...(o.disable ? { status: 'disabled' as const } : {}), ...(o.enable ? { status: 'active' as const } : {}),
      };
      const webhook = await withOps((ops) => ops.updateWebhook(id, changes));
      if (o.json) return printJson({ webhook });
      printLine(describe(webhook));
    });

  cmd.command('delete')
    .argument('<id>', 'webhook id')
    .option('--json', 'print JSON: {"id", "deleted"}')
    .action(async (id: string, o: { json?: boolean }) => {
      await withOps((ops) => ops.deleteWebhook(id));
      if (o.json) return printJson({ id, deleted: true });
      printLine(`Deleted webhook ${id} and its deliveries.`);
    });

  cmd.command('deliveries')
    .description('what was sent to a webhook, newest first: status, attempts, last error')
    .argument('<id>', 'webhook id')
    .option('--status <status>', DELIVERY_STATUSES.join(' | '))
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON: {"deliveries": [Delivery]}')
    .action(async (id: string, o: { status?: string; limit: string; json?: boolean }) => {
      if (o.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(o.status)) {
        throw invalid(`--status expects ${DELIVERY_STATUSES.join(', ')}, got '${o.status}'.`);
      }
      const deliveries = await withOps((ops) => ops.listDeliveries(id, {
        limit: parsePositiveInt('--limit', o.limit), ...(o.status ? { status: o.status as (typeof DELIVERY_STATUSES)[number] } : {}),
      }));
      if (o.json) return printJson({ deliveries });
      printTable(['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'CODE', 'CREATED', 'NEXT / DELIVERED', 'LAST ERROR'], deliveries.map((d) => [
        String(d.id), d.event, d.status, String(d.attempts), d.last_status_code === null ? '' : String(d.last_status_code), formatTime(d.created_time),
        d.status === 'delivered' ? formatTime(d.delivered_time ?? undefined) : d.status === 'pending' ? formatTime(d.next_attempt_time) : '',
        d.last_error ?? '',
      ]));
    });

  cmd.command('redeliver')
    .description('send a delivered or failed delivery again (attempts start over)')
    .argument('<id>', 'webhook id')
    .argument('<delivery>', 'delivery id')
    .option('--json', 'print JSON: {"delivery": Delivery}')
    .action(async (id: string, delivery: string, o: { json?: boolean }) => {
      const deliveryId = parsePositiveInt('delivery', delivery);
      const d = await withOps((ops) => ops.redeliver(id, deliveryId));
      if (o.json) return printJson({ delivery: d });
      printLine(`Delivery ${d.id} (${d.event}) queued again.`);
    });
}

const describe = (w: Webhook) => `Webhook ${w.id} (${w.status}): ${w.events.join(', ')}${w.model_name ? ` of ${w.model_name}` : ''} → ${w.url}`;
