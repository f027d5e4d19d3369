/**
 * An RFC 4180 state machine over raw bytes. It never builds strings: it records where each field starts
 * and ends in the buffer, so the column converters can parse numbers straight from bytes and decode a
 * categorical value once per distinct value rather than once per row. Rows are stored with a fixed stride
 * (the expected field count); a row with more fields keeps only the count, which is all a ragged-row
 * error needs.
 *
 * Rules: fields end at the delimiter; rows end at LF, CRLF or a lone CR; a field that starts with '"' is
 * quoted and may hold delimiters, newlines and doubled quotes; a quote inside an unquoted field is a
 * literal character (5'11" heights are common and harmless); text after a closing quote is a malformed row.
 * Empty lines are skipped, as pandas does.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** `flags` bits of a field. */
export const QUOTED = 1;
/** The quoted field contains doubled quotes that must be unescaped before use. */
export const ESCAPED = 2;

/** `rowErrors` values. */
export const ROW_OK = 0;
export const ROW_BAD_QUOTE = 1;
export const ROW_UNTERMINATED_QUOTE = 2;

export class CsvTokenizer {
  /** Field bounds, index row * stride + field; offsets into the buffer last tokenized. */
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  /** Per row: number of fields, 1-based physical line where the row starts, ROW_* status. */
  counts: Int32Array;
  lines: Float64Array;
  rowErrors: Uint8Array;
  /** 1-based physical line of the next byte to tokenize. */
  line = 1;

  constructor(
    readonly delimiter: number,
    readonly stride: number,
    readonly capacity: number,
  ) {
    this.starts = new Int32Array(stride * capacity);
    this.ends = new Int32Array(stride * capacity);
    this.flags = new Uint8Array(stride * capacity);
    this.counts = new Int32Array(capacity);
    this.lines = new Float64Array(capacity);
    this.rowErrors = new Uint8Array(capacity);
  }

  /**
   * Tokenizes up to `maxRows` complete rows of buf[pos, end). A row cut off by the end of the buffer is
   * left alone (unless `atEof`), so the caller can append more bytes and call again from the returned
   * position. Returns [rows tokenized, position after the last of them].
   */
  tokenize(buf: Uint8Array, pos: number, end: number, atEof: boolean, maxRows: number): [number, number] {
    const { delimiter: delim, stride, starts, ends, flags } = this;
    const max = Math.min(maxRows, this.capacity);
    let line = this.line;
    let i = pos;
    let rows = 0;
    rowLoop: while (rows < max && i < end) {
      const rowStart = i;
      const rowLine = line;
      let c = buf[i] as number;
      if (c === LF || c === CR) {
        // An empty line: skipped. A CR as the last byte might be the first half of a CRLF.
        if (c === CR && i + 1 >= end && !atEof) break;
        i += c === CR && buf[i + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      const base = rows * stride;
      let f = 0;
      let rowError = ROW_OK;
      for (;;) {
        let fs = i;
        let fe: number;
        let flag = 0;
        if (i < end && buf[i] === QUOTE) {
          flag = QUOTED;
          fs = ++i;
          for (;;) {
            if (i >= end) {
              if (!atEof) {
                i = rowStart;
                line = rowLine;
                break rowLoop;
              }
              rowError = ROW_UNTERMINATED_QUOTE;
              break;
            }
            c = buf[i] as number;
            if (c === QUOTE) {
              if (i + 1 >= end && !atEof) {
                i = rowStart;
                line = rowLine;
                break rowLoop;
              }
              if (buf[i + 1] !== QUOTE) break;
              flag |= ESCAPED;
              i += 2;
              continue;
            }
            if (c === LF || (c === CR && buf[i + 1] !== LF)) line++;
            i++;
          }
          fe = i;
          if (i < end) i++; // the closing quote
          if (i < end) {
            c = buf[i] as number;
            if (c !== delim && c !== LF && c !== CR) {
              rowError = ROW_BAD_QUOTE;
              while (i < end && buf[i] !== delim && buf[i] !== LF && buf[i] !== CR) i++;
            }
          }
        } else {
          while (i < end) {
            c = buf[i] as number;
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          fe = i;
        }
        if (f < stride) {
          starts[base + f] = fs;
          ends[base + f] = fe;
          flags[base + f] = flag;
        }
        f++;
        if (i >= end) {
          if (!atEof) {
            i = rowStart;
            line = rowLine;
            break rowLoop;
          }
          break;
        }
        c = buf[i] as number;
        if (c === delim) {
          i++;
          continue;
        }
        if (c === CR) {
          if (i + 1 >= end && !atEof) {
            i = rowStart;
            line = rowLine;
            break rowLoop;
          }
          i += buf[i + 1] === LF ? 2 : 1;
        } else {
          i++;
        }
        line++;
        break;
      }
      this.counts[rows] = f;
      this.lines[rows] = rowLine;
      this.rowErrors[rows] = rowError;
      rows++;
    }
    this.line = line;
    return [rows, i];
  }
}

/**
 * Copies a quoted field with doubled quotes into `out` as its value (each "" becomes "). Returns the length.
 */
export function unescapeQuotes(buf: Uint8Array, s: number, e: number, out: Uint8Array): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    out[n++] = c;
    if (c === QUOTE) i++;
  }
  return n;
}

/** The text of a field (slow path: header, inference sample, error messages). */
export function fieldText(buf: Buffer, s: number, e: number, flag: number): string {
  if (!(flag & ESCAPED)) return buf.toString('utf8', s, e);
  const out = Buffer.allocUnsafe(e - s);
  return out.toString('utf8', 0, unescapeQuotes(buf, s, e, out));
}
