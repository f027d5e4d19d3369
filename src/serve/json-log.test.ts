import { describe, expect, it } from 'vitest';
import { createJsonLogger, parseLogLevel } from './json-log.js';
import { SlipwayError } from '../errors.js';

function capture() {
  const out: string[] = [];
  return {
    out,
    stream: { write: (line: string) => out.push(line) },
    parsed: () => out.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
const now = () => Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('json logger', () => {
  it('writes one JSON object per line: time, level and msg first, then the fields', () => {
    const c = capture();
    const log = createJsonLogger({ stream: c.stream, now });
    log.info('listening', { port: 8080, host: '127.0.0.1' });
    expect(c.out).toEqual([
      '{"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"listening","port":8080,"host":"127.0.0.1"}\n',
    ]);
  });

  it('drops lines below the threshold and says which levels are on', () => {
    const c = capture();
    const log = createJsonLogger({ stream: c.stream, now, level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(c.parsed().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
    expect([log.enabled('debug'), log.enabled('info'), log.enabled('warn'), log.enabled('error')]).toEqual([
      false,
      false,
      true,
      true,
    ]);
    const d = capture();
    createJsonLogger({ stream: d.stream, now, level: 'debug' }).debug('shown');
    expect(d.parsed()).toHaveLength(1);
    const i = capture();
    createJsonLogger({ stream: i.stream, now }).debug('hidden'); // default threshold: info
    expect(i.out).toEqual([]);
  });

  it('children add their fields; a call’s fields win over them; time, level and msg cannot be overwritten', () => {
    const c = capture();
    const root = createJsonLogger({ stream: c.stream, now, fields: { service: 'slipway-serve' } });
    const child = root.child({ deployment: 'churn', requestId: 'base' }).child({ revision: 3 });
    child.error('prediction failed', { requestId: 'r-1', msg: 'not me', level: 'debug', time: 0 });
    root.info('plain');
    expect(c.parsed()).toEqual([
      {
        time: '2026-01-02T03:04:05.678Z',
        level: 'error',
        msg: 'prediction failed',
        service: 'slipway-serve',
        deployment: 'churn',
        requestId: 'r-1',
        revision: 3,
      },
      { time: '2026-01-02T03:04:05.678Z', level: 'info', msg: 'plain', service: 'slipway-serve' },
    ]);
  });

  it('spells out errors, writes bigints as strings, and survives cycles', () => {
    const c = capture();
    const log = createJsonLogger({ stream: c.stream, now });
    const err = new SlipwayError('DATA_CORRUPTION', 'blob abc does not match its hash', {}, { cause: new Error('short read') });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    log.error('read failed', { err, size: 12n });
    log.warn('odd', { cyclic });
    const [first, second] = c.parsed();
    expect(first?.err).toMatchObject({
      name: 'SlipwayError',
      message: 'blob abc does not match its hash',
      code: 'DATA_CORRUPTION',
      cause: { name: 'Error', message: 'short read' },
    });
    expect(String((first?.err as { stack: string }).stack)).toContain('json-log.test.ts');
    expect(first?.size).toBe('12');
    expect(second).toMatchObject({ msg: 'odd', cyclic: { a: 1, self: '[circular]' } });
    const selfCaused = new Error('loop');
    (selfCaused as { cause?: unknown }).cause = selfCaused;
    log.error('x', { err: selfCaused });
    expect(c.parsed()[2]?.err).toMatchObject({ message: 'loop', cause: '[circular]' });
  });

  it('writes to stderr by default', () => {
    const original = process.stderr.write.bind(process.stderr);
    const seen: string[] = [];
    process.stderr.write = ((chunk: string) => seen.push(chunk) > 0) as typeof process.stderr.write;
    try {
      createJsonLogger({ now }).warn('to stderr');
    } finally {
      process.stderr.write = original;
    }
    expect(seen).toEqual(['{"time":"2026-01-02T03:04:05.678Z","level":"warn","msg":"to stderr"}\n']);
  });

  it('parses level names', () => {
    expect(['debug', ' INFO ', 'Warn', 'error', 'trace', '', undefined].map(parseLogLevel)).toEqual([
      'debug',
      'info',
      'warn',
      'error',
      undefined,
      undefined,
      undefined,
    ]);
  });
});
