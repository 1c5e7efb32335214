// A few deliberate rules, each with its reason (STYLE.md, "Habit files and scripts").
import tseslint from 'typescript-eslint';

const GRAPHQL_LIBS = ['graphql', 'type-graphql', '@apollo/*', 'graphql-scalars', 'graphql-ws'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/'] },
  ...tseslint.configs.recommended,
  {
    // .tsx: the browser playground (src/playground/client).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      // Decorator metadata keeps classes used as parameter types alive at runtime; the
      // type-import rule must know, or it would turn type-graphql inputs into type imports.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      // type-graphql's container and resolver lists are typed with `Function`.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Type-only imports vanish from the emitted JS and keep load order honest.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Unused arguments are allowed when named _x (resolver signatures are positional).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Braces everywhere: a one-line if grows a second line sooner or later.
      curly: ['error', 'all'],
      // A blank line before return makes the result of a function easy to find (Twenty).
      'padding-line-between-statements': [
        'error',
        { blankLine: 'always', prev: '*', next: 'return' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/cli/**'],
    rules: {
      // Servers log through the structured logger; only the command line prints.
      'no-console': 'error',
      // `any` hides mistakes the compiler would catch; tests may use it for response shapes.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: {
      // Named exports only: one name per thing across the code base.
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
    },
  },
  {
    // Services hold the rules and must not depend on the API layer.
    files: ['src/*/*.service.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: GRAPHQL_LIBS, message: 'services do not import GraphQL' }] },
      ],
    },
  },
  {
    // Pure modules (statistics, masking, pagination maths, seeds, mappings) import neither the
    // database nor GraphQL, so they are tested directly.
    files: [
      'src/auth/masking.ts',
      'src/auth/api-key-hash.ts',
      'src/db/pagination.ts',
      'src/seed/random.ts',
      'src/seed/demo-data.ts',
      'src/imports/csv-mapping.ts',
      'src/interactions/channel.ts',
      'src/privacy/contact-policy.ts',
      'src/privacy/audit-record.ts',
      'src/privacy/audit-collector.ts',
      'src/ratelimit/token-bucket.ts',
      'src/graphql/rate-budget.ts',
      'src/segments/rule-definition.ts',
      'src/segments/rule-input.ts',
      'src/segments/rule-tree.ts',
      'src/segments/rule-sql.ts',
      'src/segments/rfm.ts',
      'src/segments/rfm-group.ts',
      'src/segments/lifecycle.ts',
      'src/segments/lifecycle-stage.ts',
      'src/segments/segment-order.ts',
      'src/segments/prediction-condition.ts',
      'src/kpis/periods.ts',
      'src/kpis/explain-change.ts',
      'src/experiments/stats/**/*.ts',
      'src/experiments/assignment.ts',
      'src/experiments/analysis/**/*.ts',
      'src/experiments/experiment-definition.ts',
      'src/experiments/experiment-input.ts',
      'src/experiments/outcome-sql.ts',
      'src/experiments/outcome-sums.ts',
      'src/quality/normalize.ts',
      'src/quality/duplicate-rules.ts',
      'src/quality/merge-plan.ts',
      'src/predictions/models/**/*.ts',
      'src/predictions/metrics.ts',
      'src/predictions/binary-model.ts',
      'src/predictions/drift.ts',
      'src/predictions/promotion.ts',
      'src/predictions/next-best-action.ts',
      'src/predictions/next-best-action-sql.ts',
      'src/predictions/action-input.ts',
      'src/predictions/feature-set.ts',
      'src/predictions/feature-sql.ts',
      'src/predictions/training-options.ts',
      'src/errors.ts',
      'src/config.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['typeorm', ...GRAPHQL_LIBS],
              message: 'pure modules import neither TypeORM nor GraphQL',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // CommonJS entry points: the bin shim and the jest config.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
