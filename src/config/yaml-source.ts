/**
 * A parsed YAML file that can answer "where is stages.train.retries.count?", so every message can start
 * with `file:line:col:` — users fix config in an editor, and a key path alone is slow to find.
 */
import { type Document, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { invalid } from '../errors.js';
import type { SourceLocation } from './pipeline-types.js';

export type YamlPath = readonly (string | number)[];

/** `stages.train.deps[1]`: dots for keys, brackets for list positions, as users read them. */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; a syntax error becomes an INVALID_PARAMETER_VALUE naming file, line and column. */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    // `merge`: DVC files often share stage fields with anchors and `<<:`, which DVC's YAML loader accepts.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, merge: true });
    const source = new YamlSource(file, doc, lines);
    const err = doc.errors[0];
    if (err) {
      // yaml reports an unclosed '[' or quote where it gave up (often the next line); point at the opener.
      const opener = err.code === 'BAD_INDENT' || err.code === 'MISSING_CHAR' ? source.unclosedAt(err.pos[0]) : undefined;
      const detail = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      const where = opener ? opener.at : source.at(err.pos[0]);
      const message = opener ? `this '${opener.char}' is never closed (${detail})` : `YAML syntax error: ${detail}`;
      throw invalid(`${source.prefix(where)}${message}`, { file, line: where.line, column: where.column, yamlCode: err.code });
    }
    return source;
  }

  /** The JSON-like value of the document (null for an empty file). */
  toJS(): unknown {
    return this.doc.toJS();
  }

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  prefix(loc: SourceLocation): string {
    return `${loc.file}:${loc.line}:${loc.column}: `;
  }

  /**
   * Where `path` is written: its value by default, its key with `at: 'key'` (unknown keys, stage names).
   * A path that does not exist (a missing key, a key produced by templating) falls back to the nearest
   * ancestor that does, so a location is always given.
   */
  locate(path: YamlPath, at: 'key' | 'value' = 'value'): SourceLocation {
    let node: unknown = this.doc.contents;
    let best = this.startOf(node) ?? 0;
    let keyOffset: number | undefined;
    let complete = true;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const pair = isMap(node) ? node.items.find((p) => keyText(p.key) === String(seg)) : undefined;
      if (pair) {
        keyOffset = this.startOf(pair.key);
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyOffset = undefined;
        node = node.items[seg];
      } else {
        // A missing key is best shown at its parent's key (`with:`), not inside the parent's value.
        complete = false;
        if (keyOffset !== undefined) best = keyOffset;
        break;
      }
      best = this.startOf(node) ?? keyOffset ?? best;
    }
    if (complete && at === 'key' && keyOffset !== undefined) best = keyOffset;
    return this.at(best);
  }

  /** Start of a node that is actually written (an empty `key:` has a null scalar with no text). */
  private startOf(node: unknown): number | undefined {
    if (isScalar(node) && node.value === null && node.source === '') return undefined;
    return isCollection(node) || isScalar(node) || isAlias(node) ? (node as Node).range?.[0] : undefined;
  }

  /** The flow collection or quoted string that runs up to `offset` without being closed. */
  private unclosedAt(offset: number): { at: SourceLocation; char: string } | undefined {
    let found: { at: SourceLocation; char: string } | undefined;
    visit(this.doc, (_key, node) => {
      const range = node === null ? undefined : (node as Node).range;
      if (!range || range[2] !== offset) return;
      if (isCollection(node) && node.flow) found = { at: this.at(range[0]), char: isSeq(node) ? '[' : '{' };
      else if (isScalar(node) && node.type === 'QUOTE_DOUBLE') found = { at: this.at(range[0]), char: '"' };
      else if (isScalar(node) && node.type === 'QUOTE_SINGLE') found = { at: this.at(range[0]), char: "'" };
    });
    return found;
  }
}

export interface Problem {
  readonly location: SourceLocation;
  readonly path: string;
  readonly message: string;
  /** Which generated stage it came from, e.g. " (in 'train@small')"; not part of the identity. */
  readonly note: string;
}

/** Anything problems can be reported to: the collection itself or a view that adds a note. */
export interface ProblemSink {
  add(path: YamlPath, message: string, at?: 'key' | 'value'): void;
}

/**
 * Collects every problem of a pass, so one run shows them all; the first line of the thrown message
 * is the first problem in file order. A template error repeated by every foreach item is shown once.
 */
export class Problems implements ProblemSink {
  private readonly list: Problem[] = [];
  constructor(private readonly source: YamlSource) {}

  add(path: YamlPath, message: string, at: 'key' | 'value' = 'value', note = ''): void {
    const problem = { location: this.source.locate(path, at), path: formatPath(path), message, note };
    const { line, column } = problem.location;
    const same = (p: Problem) =>
      p.path === problem.path && p.message === message && p.location.line === line && p.location.column === column;
    if (!this.list.some(same)) this.list.push(problem);
  }

  /** A sink whose problems carry `note`, for the stages a foreach/matrix generates. */
  noted(note: string): ProblemSink {
    return { add: (path, message, at) => this.add(path, message, at, note) };
  }

  /** Reports one problem and throws everything collected so far. */
  fail(path: YamlPath, message: string, at: 'key' | 'value' = 'value'): never {
    this.add(path, message, at);
    this.throwIfAny();
    throw new Error('unreachable: throwIfAny() threw nothing');
  }

  get size(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const sorted = [...this.list].sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    const lines = sorted.map((p) => {
      const path = p.path === '' ? '' : `${p.path}: `;
      return `${this.source.prefix(p.location)}${path}${p.message}${p.note}`;
    });
    const first = sorted[0] as Problem;
    throw invalid(lines.join('\n'), {
      file: first.location.file,
      line: first.location.line,
      column: first.location.column,
      path: first.path,
      problems: sorted,
    });
  }
}
