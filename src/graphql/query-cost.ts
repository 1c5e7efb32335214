import {
  type DocumentNode,
  type GraphQLSchema,
  GraphQLError,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import {
  type ComplexityEstimator,
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
} from 'graphql-query-complexity';

/** How the cost of an operation is counted (the cost part of `LimitsOptions`). */
export interface CostOptions {
  /** Page size assumed for a list field called without `first`/`last`. */
  defaultListSize: number;
  /** Walking more nodes than this stops the count: the cost is over the limit. */
  maxQueryNodes: number;
}

/** The cost of a query whose walk went past `maxQueryNodes`: more than any limit. */
export const OVER_NODE_LIMIT = Number.POSITIVE_INFINITY;

// The arguments a field's cost reads besides a `complexity` function's: the page size.
const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

// Costs per parsed document, by operation name and the values of the variables the cost reads.
// Apollo hands every request for the same query text the same parsed document, so customer 360
// asked for another customer costs what it cost before: counting walked the whole document and
// coerced every field's arguments, 7 % of that query's CPU. Only counts that succeeded are
// kept, so variables that do not fit their types never leave a cost of 0 behind.
const MAX_COSTS_PER_DOCUMENT = 100;

interface DocumentCosts {
  schema: GraphQLSchema;
  /** Variables any cost of the document reads, sorted. */
  variables: readonly string[];
  costs: Map<string, number>;
}

const costsByDocument = new WeakMap<DocumentNode, DocumentCosts>();

/**
 * The cost of the operation `operationName` names (or the only one) with these variables: 1 per
 * field, plus the `complexity` declared on costly fields, and a field with `first`/`last`
 * multiplies its own and its children's cost by the page size. Returns OVER_NODE_LIMIT when
 * counting stopped at `maxQueryNodes`. Variables that do not fit their types cost 0 when the
 * cost has to be counted (execution refuses them before any resolver runs); a cost remembered
 * for the same values of the variables it reads is returned whatever the others hold.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  options: CostOptions,
  operationName?: string,
): number {
  let known = costsByDocument.get(document);
  if (!known || known.schema !== schema) {
    known = { schema, variables: variablesReadByCost(schema, document), costs: new Map() };
    costsByDocument.set(document, known);
  }
  const read = known.variables
    .filter((name) => variables !== undefined && Object.hasOwn(variables, name))
    .map((name) => [name, variables?.[name]]);
  const key = JSON.stringify([operationName ?? null, options, read]);
  const remembered = known.costs.get(key);
  if (remembered !== undefined) {
    return remembered;
  }
  const cost = countCost(schema, document, variables, options, operationName);
  if (cost === undefined) {
    return 0;
  }
  if (known.costs.size >= MAX_COSTS_PER_DOCUMENT) {
    known.costs.clear();
  }
  known.costs.set(key, cost);

  return cost;
}

/** The cost as graphql-query-complexity counts it; undefined when the variables do not fit. */
function countCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  options: CostOptions,
  operationName: string | undefined,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      maxQueryNodes: options.maxQueryNodes,
      estimators: [
        fieldExtensionsEstimator(),
        pageEstimator(options.defaultListSize),
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch (error) {
    if (!(error instanceof GraphQLError)) {
      throw error;
    }

    return error.message.includes('maximum allowed number of nodes') ? OVER_NODE_LIMIT : undefined;
  }
}

/**
 * A list with `first`/`last` returns up to that many items, each with the children's cost.
 * A page of 0 still counts once: it runs its totalCount and pageInfo.
 */
function pageEstimator(defaultListSize: number): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    if (!field.args.some((arg) => PAGE_SIZE_ARGUMENTS.includes(arg.name))) {
      return undefined;
    }
    const size = (args.first ?? args.last ?? defaultListSize) as number;

    return (1 + childComplexity) * Math.max(size, 1);
  };
}

/**
 * The variables the estimators above can read: those in page sizes, in any argument of a field
 * whose `complexity` is a function, and in directives (`@include`/`@skip` decide whether a
 * field counts at all). A variable anywhere else (an id, a filter) never changes the cost.
 */
function variablesReadByCost(schema: GraphQLSchema, document: DocumentNode): string[] {
  const names = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(argument) {
        const field = typeInfo.getFieldDef();
        const read =
          Boolean(typeInfo.getDirective()) ||
          !field ||
          PAGE_SIZE_ARGUMENTS.includes(argument.name.value) ||
          typeof field.extensions.complexity === 'function';
        if (read) {
          visit(argument.value, { Variable: (variable) => void names.add(variable.name.value) });
        }
      },
    }),
  );

  return [...names].sort();
}
