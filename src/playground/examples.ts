import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type OperationTypeNode } from 'graphql';

/** One operation of schema/examples.graphql, as a playground tab and as a test runs it. */
export interface ExampleOperation {
  name: string;
  operation: OperationTypeNode;
  /** The operation's text with the comment above it, minus its `# variables:` line. */
  query: string;
  /** Pretty-printed JSON of the `# variables:` line; undefined when there is none. */
  variables?: string;
}

const VARIABLES_LINE = /^#\s*variables:\s*(.*)$/;

/** Path of the examples file, from the package root. */
export const EXAMPLES_FILE = path.join('schema', 'examples.graphql');

/**
 * Splits an examples document into its operations, each with the comment lines directly above
 * it. Throws when the document does not parse, holds something other than named operations
 * (a tab must run on its own, so shared fragments are not allowed), or an operation has more
 * than one variables line or one that is not a JSON object.
 */
export function parseExamples(source: string): ExampleOperation[] {
  const document = parse(source);

  return document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name || !definition.loc) {
      const found =
        definition.kind === Kind.OPERATION_DEFINITION ? 'an unnamed operation' : definition.kind;
      const where = definition.loc ? ` at line ${definition.loc.startToken.line}` : '';
      throw new Error(`examples must be named operations only, found ${found}${where}`);
    }
    const name = definition.name.value;
    const comment = commentAbove(source, definition.loc.start);
    const variablesLines = comment.flatMap((line) => VARIABLES_LINE.exec(line)?.[1] ?? []);
    if (variablesLines.length > 1) {
      throw new Error(`examples: ${name} has more than one variables line`);
    }
    const text = [
      ...comment.filter((line) => !VARIABLES_LINE.test(line)),
      source.slice(definition.loc.start, definition.loc.end),
    ].join('\n');

    return {
      name,
      operation: definition.operation,
      query: `${text}\n`,
      ...(variablesLines.length > 0 ? { variables: variablesJson(name, variablesLines[0]) } : {}),
    };
  });
}

/** Reads and splits the examples file of the package at `root`. */
export function readExamples(root: string): ExampleOperation[] {
  return parseExamples(readFileSync(path.join(root, EXAMPLES_FILE), 'utf8'));
}

// The comment block of an operation is the run of `#` lines ending right above it; a blank
// line ends it, so the file's own header stays out of the first tab.
function commentAbove(source: string, start: number): string[] {
  const lines = source.slice(0, start).split('\n');
  lines.pop();
  const comment: string[] = [];
  for (let line = lines.pop(); line !== undefined && line.startsWith('#'); line = lines.pop()) {
    comment.unshift(line);
  }

  return comment;
}

function variablesJson(name: string, text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`examples: the variables of ${name} are not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`examples: the variables of ${name} must be a JSON object`);
  }

  return JSON.stringify(value, null, 2);
}
