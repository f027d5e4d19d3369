import { describe, expect, it } from 'vitest';
import { parseDuration, parseMonitors } from '../../src/monitor/index.js';

describe('slipway.yaml monitors', () => {
  it('reads a monitor with defaults filled in', () => {
    const [m] = parseMonitors({ live: { deployment: 'web', drift: { tests: { age: 'psi' }, thresholds: { age: 0.2 } }, alerts: [{ name: 'd', when: { drift_share: { above: 0.5 } } }] } });
    expect(m).toMatchObject({
      name: 'live', deployment: 'web', windowMs: 3_600_000, schedule: undefined,
      drift: { tests: { age: 'psi' }, thresholds: { age: 0.2 }, exclude: [], prediction: true },
      alerts: [{ name: 'd', when: { kind: 'drift_share', compare: { op: 'above', value: 0.5 } }, actions: [{ kind: 'log' }] }],
    });
  });

  it('says which monitor and field is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: {} }, /slipway.yaml: monitors\.a\.deployment/],
      [{ a: { deployment: 'w', window: 'often' } }, /monitors\.a\.window: 'often' is not a duration/],
      [{ a: { deployment: 'w', schedule: '61 * * * *' } }, /monitors\.a\.schedule: .*minute/],
      [{ a: { deployment: 'w', drift: { tests: { age: 'magic' } } } }, /monitors\.a\.drift\.tests\.age: is not a drift test \(ks, chisquare/],
      [{ a: { deployment: 'w', drift: { colums: ['x'] } } }, /monitors\.a\.drift/],
      [{ a: { deployment: 'w', alerts: [{ name: 'x', when: { drift_shar: { above: 1 } } }] } }, /monitors\.a\.alerts/],
      [['not', 'a', 'map'], /monitors: must be a mapping/],
    ];
    for (const [section, message] of cases) expect(() => parseMonitors(section)).toThrow(message);
  });

  it('parses durations', () => {
    expect([parseDuration('90s', 'w'), parseDuration('30m', 'w'), parseDuration('1.5h', 'w'), parseDuration('7d', 'w')]).toEqual([90_000, 1_800_000, 5_400_000, 604_800_000]);
    expect(() => parseDuration('0m', 'w')).toThrow(/longer than zero/);
  });
});
