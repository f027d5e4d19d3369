import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../test/backends.js';
import { createTestStore, type TestStore } from '../../../test/helpers/test-store.js';
import { promoteCandidate, rollbackDeployment, startRollout } from '../../serve/index.js';
import { deliveredAs, eventOfAudit, type AuditRow, type RegistryEvent } from './events.js';

const sqlite = BACKENDS.find((b) => b.name === 'sqlite');
if (!sqlite) throw new Error('no sqlite backend');

const row = (over: Partial<AuditRow>): AuditRow => ({
  id: 7, time: 1000, actor: 'bob', action: 'model.alias.set', subject_id: 'churn/3', before: null, after: null, reason: '', ...over,
});

describe('audit entries as webhook events', () => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(sqlite);
  });
  afterEach(async () => {
    await ts.dispose();
  });

  async function events(): Promise<RegistryEvent[]> {
    const rows = await ts.store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    return rows.map((r) => eventOfAudit({ ...r, id: Number(r.id), time: Number(r.time) })).filter((e) => e !== undefined);
  }

  it('reads deployments: a rollout, a canary promoted to stable, and rollbacks', async () => {
    await startRollout(ts.store, 'churn-live', { ref: { model: 'churn', version: '1' }, strategy: 'bluegreen', reason: 'first' });
    await startRollout(ts.store, 'churn-live', { ref: { model: 'churn-v2', version: '4' }, strategy: 'canary', percent: 20 });
    await promoteCandidate(ts.store, 'churn-live');
    await rollbackDeployment(ts.store, 'churn-live', { reason: 'latency' });
    await startRollout(ts.store, 'churn-live', { ref: { model: 'churn', version: '2' }, strategy: 'shadow' });
    await rollbackDeployment(ts.store, 'churn-live');
    const got = await events();
    expect(got.map((e) => [e.event, e.body.model, e.body.version, e.models])).toEqual([
      ['model_version.deployed', 'churn', '1', ['churn']],
      ['model_version.deployed', 'churn-v2', '4', ['churn', 'churn-v2']],
      ['model_version.deployed', 'churn-v2', '4', ['churn-v2']],
      ['deployment.rolled_back', 'churn', '1', ['churn', 'churn-v2']],
      ['model_version.deployed', 'churn', '2', ['churn']],
      ['deployment.rolled_back', 'churn', '1', ['churn']],
    ]);
    expect(got[0]?.body).toMatchObject({ actor: 'alice', reason: 'first', alias: null, action: 'deployment.deploy' });
    expect(got[1]?.body.deployment).toEqual({
      name: 'churn-live', revision: 2, action: 'deploy', strategy: 'canary', percent: 20,
      stable: { model: 'churn', version: '1' }, candidate: { model: 'churn-v2', version: '4' }, standby: null, rolled_back_from: null,
    });
    expect(got[2]?.body.deployment).toMatchObject({ action: 'promote', strategy: 'bluegreen', percent: 100, candidate: null, standby: { model: 'churn', version: '1' } });
    expect(got[3]?.body).toMatchObject({ reason: 'latency', deployment: { action: 'rollback', rolled_back_from: { model: 'churn-v2', version: '4' }, stable: { model: 'churn', version: '1' } } });
    expect(got[5]?.body.deployment).toMatchObject({ rolled_back_from: { model: 'churn', version: '2' }, candidate: null });
  });

  it('ignores other actions and entries it cannot read', () => {
    expect(eventOfAudit(row({ action: 'run.create' }))).toBeUndefined();
    expect(eventOfAudit(row({ action: 'model.alias.set', after: 'not json' }))).toBeUndefined();
    expect(eventOfAudit(row({ action: 'model.alias.set', subject_id: 'no-version', after: '{"alias":"a","version":1}' }))).toBeUndefined();
    expect(eventOfAudit(row({ action: 'model.alias.set', after: '{"version":1}' }))).toBeUndefined();
  });

  it('names the event by what the subscription asked for', () => {
    const promoted = eventOfAudit(row({ action: 'model.promote', before: '{"alias":"prod","version":2}', after: '{"alias":"prod","version":3}' }));
    if (!promoted) throw new Error('expected an event');
    expect(promoted.body).toMatchObject({ id: 'evt_7', model: 'churn', version: '3', previous_version: '2', alias: 'prod' });
    expect(deliveredAs(['model_version.promoted'], promoted)).toBe('model_version.promoted');
    expect(deliveredAs(['model_version.alias_moved', 'model_version.promoted'], promoted)).toBe('model_version.promoted');
    expect(deliveredAs(['model_version.alias_moved'], promoted)).toBe('model_version.alias_moved');
    expect(deliveredAs(['model_version.created'], promoted)).toBeUndefined();
    const moved = eventOfAudit(row({ after: '{"alias":"prod","version":3}' }));
    if (!moved) throw new Error('expected an event');
    expect(deliveredAs(['model_version.promoted'], moved)).toBeUndefined();
  });
});
