/**
 * Reads a CSV file block by block and hands out tokenized rows, so memory holds one block plus the longest
 * row, never the file. It also settles what the first bytes decide: BOM, delimiter and column names.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { invalid, notFound } from '../../errors.js';
import { CsvTokenizer, fieldText, ROW_OK } from './csv-tokenizer.js';
import { type ResolvedOptions } from './read-options.js';

/** Bytes read at a time. Barely matters: 64 KiB to 4 MiB all parsed the 1M-row benchmark in 1.3-1.4 s. */
const BLOCK = 1 << 20;
/** Field cells per batch: bounds the tokenizer's offset arrays (≈ 9 bytes a cell) whatever the width. */
const BATCH_CELLS = 1 << 20;
const MAX_COLUMNS = 1 << 16;
const DETECT_ROWS = 20;
/** Tried in this order; the first wins a tie. */
const CANDIDATE_DELIMITERS = [44, 59, 9, 124]; // , ; \t |

export class CsvSource {
  /** Holds bytes [pos, end) not yet tokenized; grows only when one row is longer than the free space. */
  buf: Buffer = Buffer.allocUnsafe(2 * BLOCK);
  private pos = 0;
  private end = 0;
  private eof = false;
  names: string[] = [];
  tokenizer!: CsvTokenizer;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /** Opens the file and reads its header (or, without one, counts the first row's fields). */
  static async open(path: string, opts: ResolvedOptions): Promise<CsvSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`${path}: no such file`, { file: path });
      throw err;
    }
    const src = new CsvSource(path, fh);
    try {
      await src.start(opts);
    } catch (err) {
      await src.close();
      throw err;
    }
    return src;
  }

  private async start(opts: ResolvedOptions): Promise<void> {
    await this.fill();
    if (this.end >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
    if (isBlank(this.buf, this.pos, this.end) && this.eof) throw invalid(`${this.path} is empty`, { file: this.path });
    const delimiter = opts.delimiter ?? this.detectDelimiter();
    const first = new CsvTokenizer(delimiter, MAX_COLUMNS, 1);
    let rows = 0;
    let after = this.pos;
    while (rows === 0) {
      [rows, after] = first.tokenize(this.buf, this.pos, this.end, this.eof, 1);
      if (rows === 0 && !(await this.more())) throw invalid(`${this.path} is empty`, { file: this.path });
    }
    const width = first.counts[0] as number;
    const line = first.lines[0] as number;
    if (width > MAX_COLUMNS) throw invalid(`${this.path}:${line}: more than ${MAX_COLUMNS} columns`, { file: this.path, line });
    if (opts.header) {
      if (first.rowErrors[0] !== ROW_OK)
        throw invalid(`${this.path}:${line}: malformed quoted field in the header`, { file: this.path, line });
      this.names = Array.from({ length: width }, (_, f) =>
        fieldText(this.buf, first.starts[f] as number, first.ends[f] as number, first.flags[f] as number),
      );
      checkNames(this.path, line, this.names);
      this.pos = after;
    } else {
      this.names = Array.from({ length: width }, (_, f) => `column_${f + 1}`);
    }
    this.tokenizer = new CsvTokenizer(delimiter, width, Math.max(1, Math.floor(BATCH_CELLS / width)));
    // Without a header the first row is data, so tokenizing restarts at the top (line 1).
    this.tokenizer.line = opts.header ? first.line : 1;
  }

  /**
   * Tokenizes the next rows (at most `maxRows`) into `tokenizer`, whose offsets then index `buf`.
   * Returns 0 at the end of the file. The offsets stay valid until the next call.
   */
  async next(maxRows: number): Promise<number> {
    for (;;) {
      const [rows, after] = this.tokenizer.tokenize(this.buf, this.pos, this.end, this.eof, maxRows);
      if (rows > 0) {
        this.pos = after;
        return rows;
      }
      this.pos = after; // may have skipped blank lines
      if (!(await this.more())) return 0;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  /** Makes room (keeping the unread tail) and reads more; false at the end of the file. */
  private async more(): Promise<boolean> {
    if (this.eof) return false;
    const tail = this.end - this.pos;
    // Growing to twice the tail keeps a huge field linear: each re-scan of the partial row at least doubles
    // the bytes behind it.
    const need = tail + Math.max(BLOCK, tail);
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(need);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.pos = 0;
    this.end = tail;
    await this.fill();
    return true;
  }

  private async fill(): Promise<void> {
    while (this.end < this.buf.length) {
      const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, null);
      if (bytesRead === 0) {
        this.eof = true;
        return;
      }
      this.end += bytesRead;
    }
  }

  /**
   * Picks the candidate that splits the first rows into the same number (> 1) of fields most often.
   * Quotes are honoured, so a comma inside "Smith, John" does not vote for ','.
   */
  private detectDelimiter(): number {
    let best = CANDIDATE_DELIMITERS[0] as number;
    let bestScore = 0;
    for (const d of CANDIDATE_DELIMITERS) {
      const t = new CsvTokenizer(d, 1, DETECT_ROWS);
      const [rows] = t.tokenize(this.buf, this.pos, this.end, this.eof, DETECT_ROWS);
      const width = t.counts[0] ?? 0;
      if (rows === 0 || width < 2) continue;
      let same = 0;
      for (let r = 0; r < rows; r++) if (t.counts[r] === width) same++;
      const score = same / rows;
      if (score > bestScore) {
        best = d;
        bestScore = score;
      }
    }
    return best;
  }
}

function isBlank(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] !== 10 && buf[i] !== 13) return false;
  return true;
}

function checkNames(path: string, line: number, names: readonly string[]): void {
  const empty = names.flatMap((n, i) => (n.trim() === '' ? [i + 1] : []));
  if (empty.length) throw invalid(`${path}:${line}: empty column name at position ${empty.join(', ')}`, { file: path, line });
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  if (dup.size) {
    throw invalid(`${path}:${line}: duplicate column name ${[...dup].map((n) => `'${n}'`).join(', ')}`, { file: path, line });
  }
}
