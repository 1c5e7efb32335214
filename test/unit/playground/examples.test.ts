import { parseExamples } from '../../../src/playground/examples';

describe('parseExamples', () => {
  it('splits operations with the comment directly above each, and lifts the variables line', () => {
    const source = [
      '# The file header, kept out of the first tab by the blank line below.',
      '',
      '# Customers by country.',
      '# variables: {"first": 2}',
      'query First($first: Int) { customers(first: $first) { totalCount } }',
      '',
      'subscription Second { interactionRecorded(customerIds: ["1"]) { id } }',
      '',
    ].join('\n');
    expect(parseExamples(source)).toEqual([
      {
        name: 'First',
        operation: 'query',
        query:
          '# Customers by country.\nquery First($first: Int) { customers(first: $first) { totalCount } }\n',
        variables: '{\n  "first": 2\n}',
      },
      {
        name: 'Second',
        operation: 'subscription',
        query: 'subscription Second { interactionRecorded(customerIds: ["1"]) { id } }\n',
      },
    ]);
  });

  it.each([
    [
      'an anonymous operation',
      '{ customers { totalCount } }',
      'examples must be named operations only, found an unnamed operation at line 1',
    ],
    [
      'a fragment',
      'query A { node(id: "1") { ...F } }\n\nfragment F on Node { id }',
      'examples must be named operations only, found FragmentDefinition at line 3',
    ],
    [
      'variables that are not JSON',
      '# variables: {first: 2}\nquery A { __typename }',
      /^examples: the variables of A are not JSON: /,
    ],
    [
      'variables that are not an object',
      '# variables: [1]\nquery A { __typename }',
      'examples: the variables of A must be a JSON object',
    ],
    [
      'two variables lines',
      '# variables: {}\n# variables: {}\nquery A { __typename }',
      'examples: A has more than one variables line',
    ],
    ['a syntax error', 'query A {', 'Syntax Error: Expected Name, found <EOF>.'],
  ])('rejects %s', (_case, source, message) => {
    expect(() => parseExamples(source)).toThrow(message);
  });
});
