/**
 * LIKE patterns, made to mean the same on SQLite and PostgreSQL.
 *
 * Pattern language: `%` any run of characters, `_` one character, backslash escapes the next character
 * (PostgreSQL's default LIKE escape; SQLite has none unless told, so the pattern is rewritten for it).
 * A trailing lone backslash is a literal backslash rather than PostgreSQL's error.
 *
 * Why GLOB on SQLite: its LIKE ignores ASCII case unless `PRAGMA case_sensitive_like` is on, a
 * connection-wide setting another module could flip; GLOB is always case-sensitive, so a translated
 * GLOB pattern gives LIKE's case-sensitive meaning regardless of connection state.
 */

type Piece = { kind: 'literal'; char: string } | { kind: 'any' } | { kind: 'one' };

function parsePattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  const chars = Array.from(pattern); // by code point, so `_` and `?` both mean one character
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) {
        pieces.push({ kind: 'literal', char: '\\' });
      } else {
        pieces.push({ kind: 'literal', char: next });
        i++;
      }
    } else if (c === '%') {
      pieces.push({ kind: 'any' });
    } else if (c === '_') {
      pieces.push({ kind: 'one' });
    } else {
      pieces.push({ kind: 'literal', char: c });
    }
  }
  return pieces;
}

/** A LIKE pattern using backslash as its escape character (pair it with `ESCAPE '\'` where needed). */
export function toLikePattern(pattern: string): string {
  return parsePattern(pattern)
    .map((p) => {
      if (p.kind === 'any') return '%';
      if (p.kind === 'one') return '_';
      return p.char === '%' || p.char === '_' || p.char === '\\' ? `\\${p.char}` : p.char;
    })
    .join('');
}

/** The same pattern as an SQLite GLOB pattern: `*`, `?`, and `[x]` to make GLOB's specials literal. */
export function toGlobPattern(pattern: string): string {
  return parsePattern(pattern)
    .map((p) => {
      if (p.kind === 'any') return '*';
      if (p.kind === 'one') return '?';
      return p.char === '*' || p.char === '?' || p.char === '[' ? `[${p.char}]` : p.char;
    })
    .join('');
}
