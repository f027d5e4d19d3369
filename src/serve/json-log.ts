/**
 * A tiny structured logger: one JSON object per line, `{"time", "level", "msg", ...fields}`, for
 * lifecycle events and server errors (a request id in the fields ties a 5xx to its payload-log row).
 * Errors in fields are written as `{name, message, code?, stack}` instead of JSON's `{}`.
 *
 * @example
 *   const log = createJsonLogger({ level: 'info' }).child({ deployment: 'churn' });
 *   log.error('prediction failed', { requestId, err });
 *   // {"time":"2025-01-02T03:04:05.678Z","level":"error","msg":"prediction failed","deployment":"churn","requestId":"…","err":{…}}
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, unknown>>;

export interface JsonLoggerOptions {
  /** Lines below this level are not written. @default 'info' */
  readonly level?: LogLevel;
  /** Where lines go. @default process.stderr */
  readonly stream?: { write(line: string): unknown };
  /** Fields on every line. @default {} */
  readonly fields?: LogFields;
  /** Epoch ms; injectable for tests. @default Date.now */
  readonly now?: () => number;
}

export interface JsonLogger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether `level` is written (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  /** A logger adding `fields` to every line (the call's own fields win over them). */
  child(fields: LogFields): JsonLogger;
}

/** `SLIPWAY_LOG_LEVEL`-style text → level, or undefined when it is not one. */
export function parseLogLevel(text: string | undefined): LogLevel | undefined {
  const t = text?.trim().toLowerCase();
  return t === 'debug' || t === 'info' || t === 'warn' || t === 'error' ? t : undefined;
}

export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const threshold = RANK[options.level ?? 'info'];
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  return make(options.fields ?? {});

  function make(base: LogFields): JsonLogger {
    const write = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (RANK[level] < threshold) return;
      // time, level and msg come first and cannot be overwritten by fields.
      const line: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg };
      for (const source of [base, fields ?? {}]) {
        for (const key of Object.keys(source)) if (key !== 'time' && key !== 'level' && key !== 'msg') line[key] = source[key];
      }
      stream.write(`${serialise(line)}\n`);
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      enabled: (level) => RANK[level] >= threshold,
      child: (fields) => make({ ...base, ...fields }),
    };
  }
}

/** JSON that never throws: errors spelled out, bigints as strings, cycles marked. */
function serialise(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, replace);
  } catch {
    // A cycle: mark repeated objects (this may also mark a shared, non-circular one; rare and harmless).
    const seen = new WeakSet<object>();
    return JSON.stringify(line, (key, value: unknown) => {
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[circular]';
        seen.add(value);
      }
      return replace(key, value);
    });
  }
}

function replace(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code !== undefined ? { code } : {}),
      stack: value.stack,
      ...(value.cause !== undefined ? { cause: value.cause } : {}),
    };
  }
  return value;
}
