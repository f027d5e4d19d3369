/**
 * Python `re` patterns (what GE suites contain) as JavaScript RegExps. Translated: named groups
 * `(?P<n>…)` and `(?P=n)`, `\A` and `\Z`, `{,n}`, leading global flags `(?i)`, `(?s)`, `(?m)`, `(?x)`
 * (verbose: whitespace and comments dropped), and Python's `$`, which also matches before a final
 * newline. Not translatable, so refused at load time: scoped flags `(?i:…)`, conditionals `(?(1)…)`,
 * atomic groups and possessive quantifiers. Left as is: `\d`, `\w` and `\s` are ASCII-only here, where
 * Python's also match other Unicode digits and letters.
 */

export function compilePythonRegex(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    const f = lead[1] as string;
    if (f.includes('i')) flags += 'i';
    if (f.includes('m')) flags += 'm';
    if (f.includes('s')) flags += 's';
    if (f.includes('x')) src = stripVerbose(src);
  }
  if (/\(\?[aiLmsux-]+:|\(\?\(|\(\?>|[*+?}]\+/.test(src)) {
    throw new Error(
      `'${pattern}' uses a Python regex feature JavaScript lacks (scoped flags, conditionals, atomic groups or possessive quantifiers)`,
    );
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const d = src[i + 1] ?? '';
      i++;
      if (!inClass && d === 'A') out += '^';
      else if (!inClass && d === 'Z') out += '$(?![\\s\\S])';
      else out += `\\${d}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += `\\${src[++i]}`; // Python allows ']' first in a class
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const back = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (back) {
      out += `\\k<${back[1]}>`;
      i += back[0].length - 1;
      continue;
    }
    if (c === '{' && src[i + 1] === ',') {
      out += '{0';
      continue;
    }
    if (c === '$' && !flags.includes('m')) {
      out += '(?=\\n?$(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  return new RegExp(out, flags);
}

function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      out += c + (src[++i] ?? '');
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (/\s/.test(c)) continue;
    out += c;
  }
  return out;
}
