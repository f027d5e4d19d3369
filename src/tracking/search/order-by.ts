import { invalid } from '../../errors.js';
import { describeToken } from './filter-lexer.js';
import { isWord, ParseError, Parser } from './filter-parser.js';

/**
 * `order_by` clauses of runs/search: `identifier [ASC|DESC]`, e.g. "metrics.acc DESC",
 * "attributes.start_time ASC", "params.lr", "metrics.`my metric` desc". Identifiers are those of the
 * filter grammar (same prefixes, quoting and attribute aliases); datasets cannot be sorted on.
 */

export interface OrderTerm {
  entity: 'metric' | 'param' | 'tag' | 'attribute';
  key: string;
  ascending: boolean;
}

export function parseOrderBy(clauses: readonly string[]): OrderTerm[] {
  const terms: OrderTerm[] = [];
  const seen = new Set<string>();
  for (const clause of clauses) {
    const term = parseClause(clause);
    // MLflow refuses the same field twice ("`order_by` contains duplicate fields"): the second would be dead.
    const id = `${term.entity}\u0000${term.key}`;
    if (seen.has(id)) {
      throw invalid(`Invalid order_by ${JSON.stringify(clauses)}: ${term.entity} '${term.key}' is listed twice`, {
        order_by: clauses,
      });
    }
    seen.add(id);
    terms.push(term);
  }
  return terms;
}

function parseClause(clause: string): OrderTerm {
  const parser = new Parser(clause, 'order_by clause');
  return parser.guard(() => {
    const id = parser.identifier('');
    if (id.entity === 'dataset') {
      throw new ParseError(`cannot order by dataset field '${id.key}'`, id.pos);
    }
    let ascending = true; // MLflow's default when no direction is given
    const direction = parser.next();
    if (isWord(direction, 'ASC') || isWord(direction, 'DESC')) {
      ascending = isWord(direction, 'ASC');
      const rest = parser.next();
      if (rest.kind !== 'eof') throw new ParseError(`expected the end of the clause, got ${describeToken(rest)}`, rest.pos);
    } else if (direction.kind !== 'eof') {
      throw new ParseError(`expected ASC or DESC after '${id.raw}', got ${describeToken(direction)}`, direction.pos);
    }
    return { entity: id.entity, key: id.key, ascending };
  });
}
