/**
 * Every expectation type the engine knows, by GE name. Each family module exports its definitions;
 * this is the one place that gathers them (so families never import each other through it).
 */
import { closest } from '../../config/index.js';
import { columnAggregateDefinitions } from './column-aggregate.js';
import { columnAggregateSetDefinitions } from './column-aggregate-sets.js';
import { columnMapDefinitions } from './column-map.js';
import { columnMapOrderingDefinitions } from './column-map-ordering.js';
import { columnMapStringDefinitions } from './column-map-strings.js';
import { columnMapTypeDefinitions } from './column-map-types.js';
import { columnPairDefinitions } from './column-pair.js';
import { distributionalDefinitions } from './distributional.js';
import { tableDefinitions } from './table-level.js';
import type { ExpectationDefinition } from './types.js';

const definitions = new Map<string, ExpectationDefinition>(
  [
    ...columnMapDefinitions,
    ...columnMapStringDefinitions,
    ...columnMapTypeDefinitions,
    ...columnMapOrderingDefinitions,
    ...columnAggregateDefinitions,
    ...columnAggregateSetDefinitions,
    ...distributionalDefinitions,
    ...columnPairDefinitions,
    ...tableDefinitions,
  ].map((d) => [d.type, d]),
);

export function lookupExpectation(type: string): ExpectationDefinition | undefined {
  return definitions.get(type);
}

export function expectationTypes(): string[] {
  return [...definitions.keys()].sort();
}

/** The closest known name, if it is close enough to be a typo. */
export function suggestExpectation(type: string): string | undefined {
  return closest(type, definitions.keys(), Math.max(3, Math.floor(type.length / 5)));
}
