import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Source,
  TokenKind,
} from 'graphql';
import { PulseError } from '../errors';
import { OVER_NODE_LIMIT, operationCost } from './query-cost';

/**
 * Bounds on one operation, checked before it runs, the same way on HTTP and WebSocket.
 * Defaults start from graphql-armor's and are raised only where Pulse's own queries need it.
 */
export interface LimitsOptions {
  /**
   * Deepest chain of nested fields, leaves included. Defaults to 8: a Relay hop takes three
   * levels (`interactions`, `edges`, `node`), so graphql-armor's 6 would refuse
   * `customers → interactions → customer { name }`, which needs 8. `ofType` levels do not count:
   * each returns one type, and introspection (the playground's) nests them 7 deep.
   */
  maxDepth: number;
  /**
   * Largest query cost: 1 per field, plus the `complexity` declared on costly fields; a field
   * with `first`/`last` multiplies its own and its children's cost by the page size.
   * Defaults to 10,000: graphql-armor's 5,000 would refuse Pulse's own showcase page of 100
   * customers with summaries, 5 latest interactions and 3 latest orders each (cost 7,400, four
   * SQL statements).
   */
  maxCost: number;
  /** Most aliases in one operation, fragments expanded. Defaults to 15 (graphql-armor). */
  maxAliases: number;
  /**
   * Most root fields in one operation: each is a separate entry point the server resolves in
   * parallel. Defaults to 10.
   */
  maxRootFields: number;
  /** Most lexical tokens in one document. Defaults to 1,000 (graphql-armor). */
  maxTokens: number;
  /** Most operations in one batched HTTP request. Defaults to 10. */
  maxBatch: number;
  /**
   * Page size assumed for a list field called without `first`/`last`. Pulse passes its largest
   * page size, so the cost is an upper bound whatever the default page becomes.
   */
  defaultListSize: number;
}

/** Which limit an operation broke: the `limit` extension of its QUERY_TOO_COMPLEX error. */
export type LimitName =
  'depth' | 'cost' | 'aliases' | 'rootFields' | 'tokens' | 'batch' | 'subscriptions';

// graphql-query-complexity walks expanded fragments; this caps its work on fragment bombs.
// Nearly every node it visits costs at least 1, so past max(10,000, maxCost) nodes the cost
// is over the limit too.
const MIN_QUERY_NODES = 10_000;

/**
 * Checks depth, aliases, root fields and cost of the operation `operationName` names (or the
 * only one) with this request's variables, and returns its cost. Throws a QUERY_TOO_COMPLEX
 * PulseError naming the limit, the value found and the maximum. Expects a validated document;
 * a variable that does not fit its type is left to execution to report, at cost 0.
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  options: LimitsOptions,
  operationName?: string,
): number {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName === undefined || definition.name?.value === operationName),
  );
  if (!operation) {
    return 0;
  }
  const shape = measure(operation, document);
  exceeds('depth', shape.depth, options.maxDepth);
  exceeds('aliases', shape.aliases, options.maxAliases);
  exceeds('rootFields', shape.rootFields, options.maxRootFields);
  const cost = operationCost(
    schema,
    document,
    variables,
    {
      defaultListSize: options.defaultListSize,
      maxQueryNodes: Math.max(MIN_QUERY_NODES, options.maxCost),
    },
    operationName,
  );
  if (cost === OVER_NODE_LIMIT) {
    throw tooComplex('cost', null, options.maxCost);
  }
  exceeds('cost', cost, options.maxCost);

  return cost;
}

/**
 * Refuses a document of more than `maxTokens` tokens, counted as graphql-js's parser counts
 * them, without building the syntax tree. Lexical errors are left to the parser to report.
 */
export function checkTokens(source: string, maxTokens: number): void {
  const lexer = new Lexer(new Source(source));
  try {
    for (let count = 1; lexer.advance().kind !== TokenKind.EOF; count++) {
      // Counting stops at the limit: past it, the rest of the document is not worth lexing.
      if (count > maxTokens) {
        throw tooComplex('tokens', null, maxTokens);
      }
    }
  } catch (error) {
    if (error instanceof PulseError) {
      throw error;
    }
  }
}

/** Refuses an HTTP batch of more than `maxBatch` operations, before any of them runs. */
export function checkBatch(operations: number, maxBatch: number): void {
  exceeds('batch', operations, maxBatch);
}

/** Refuses a subscription beyond the `max` a WebSocket connection may hold. */
export function checkSubscriptions(active: number, max: number): void {
  exceeds('subscriptions', active, max);
}

function exceeds(limit: LimitName, value: number, max: number): void {
  if (value > max) {
    throw tooComplex(limit, value, max);
  }
}

const WHAT: Record<LimitName, string> = {
  depth: 'is nested deeper',
  cost: 'costs more',
  aliases: 'uses more aliases',
  rootFields: 'selects more root fields',
  tokens: 'has more tokens',
  batch: 'batches more operations',
  subscriptions: 'opens more subscriptions on this connection',
};

/** `value` is null where counting stopped at the limit: the exact figure is not known. */
function tooComplex(limit: LimitName, value: number | null, max: number): PulseError {
  const found = value === null ? `more than ${max}` : `${value}`;

  return new PulseError(
    'QUERY_TOO_COMPLEX',
    `The request ${WHAT[limit]} than allowed (${limit}): ${found}, at most ${max}`,
    undefined,
    { limit, [limit === 'cost' ? 'cost' : 'value']: value, max },
  );
}

interface Shape {
  depth: number;
  aliases: number;
}

// Fragments are measured once each, so a document that spreads fragments into fragments
// costs linear time here even when its expansion is exponential.
function measure(operation: OperationDefinitionNode, document: DocumentNode) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  const memo = new Map<string, Shape>();
  const visiting = new Set<string>();

  const fragmentShape = (name: string): Shape => {
    const known = memo.get(name);
    const fragment = fragments.get(name);
    if (known || !fragment || visiting.has(name)) {
      return known ?? { depth: 0, aliases: 0 };
    }
    visiting.add(name);
    const shape = selectionShape(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, shape);

    return shape;
  };

  const selectionShape = (selectionSet: SelectionSetNode): Shape => {
    const shape = { depth: 0, aliases: 0 };
    for (const selection of selectionSet.selections) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        const children = selection.selectionSet
          ? selectionShape(selection.selectionSet)
          : { depth: 0, aliases: 0 };
        const level = selection.name.value === 'ofType' ? 0 : 1;
        inner = {
          depth: children.depth + level,
          aliases: children.aliases + (selection.alias ? 1 : 0),
        };
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        inner = fragmentShape(selection.name.value);
      } else {
        inner = selectionShape(selection.selectionSet);
      }
      shape.depth = Math.max(shape.depth, inner.depth);
      shape.aliases += inner.aliases;
    }

    return shape;
  };

  const rootFields = (selectionSet: SelectionSetNode, seen: Set<string>): number =>
    selectionSet.selections.reduce((count, selection) => {
      if (selection.kind === Kind.FIELD) {
        return count + 1;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        return count + rootFields(selection.selectionSet, seen);
      }
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(selection.name.value)) {
        return count;
      }

      return count + rootFields(fragment.selectionSet, new Set(seen).add(selection.name.value));
    }, 0);

  return {
    ...selectionShape(operation.selectionSet),
    rootFields: rootFields(operation.selectionSet, new Set()),
  };
}
