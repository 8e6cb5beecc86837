// ESLint flat config: typescript-eslint for all TypeScript, plus n8n's community-node
// rules for the code that n8n loads (nodes, credentials, core) and for package.json.
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

// Code that ends up inside n8n when the package is installed.
const packageRuntimeFiles = ['nodes/**/*.ts', 'credentials/**/*.ts', 'core/**/*.ts'];

// eslint-plugin-n8n-nodes-base ships eslintrc-style configs; flat config needs only their rule maps.
const nodesBaseRules = {
  ...n8nNodesBase.configs.nodes.rules,
  ...n8nNodesBase.configs.credentials.rules,
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '.run/**', 'test-artifacts/**'],
  },

  ...tseslint.configs.recommended,

  {
    rules: {
      // Same convention as TypeScript's noUnusedParameters: a leading underscore marks a deliberately unused name.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },

  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  {
    files: packageRuntimeFiles,
    plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin, 'n8n-nodes-base': n8nNodesBase },
    rules: { ...n8nCommunityNodesPlugin.configs.recommended.rules, ...nodesBaseRules },
  },

  {
    // typescript-estree parses a .json file as one object expression, which the package.json rules expect.
    files: ['package.json'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin, 'n8n-nodes-base': n8nNodesBase },
    rules: {
      ...n8nCommunityNodesPlugin.configs.recommended.rules,
      ...n8nNodesBase.configs.community.rules,
      // The package is for self-hosted n8n only: the Contact Hub Store needs zod and pg at run time.
      '@n8n/community-nodes/no-runtime-dependencies': 'off',
      // A JSON document is a single expression by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },

  {
    files: packageRuntimeFiles,
    rules: {
      // These nodes write police records and audit events, so none is offered to AI agents as a tool. The rule
      // accepts only a usableAsTool property, which n8n-workflow 2.41.0 types as `true | UsableAsToolDescription`.
      '@n8n/community-nodes/node-usable-as-tool': 'off',
      // Both rules demand ['main'], but @n8n/community-nodes/node-connection-type-literal demands NodeConnectionTypes.Main.
      'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
      'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
      // This rule wants an n8n docs slug in camelCase, but community credentials link full URLs,
      // which @n8n/community-nodes/credential-documentation-url accepts.
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
    },
  },

  {
    files: ['nodes/*/description.ts'],
    rules: {
      // The project layout keeps each node's description in description.ts beside <Node>.node.ts.
      'n8n-nodes-base/node-filename-against-convention': 'off',
    },
  },

  {
    files: ['core/**/*.ts'],
    rules: {
      // core/ has no n8n-workflow imports by design, so nodes wrap its errors in NodeApiError or NodeOperationError.
      '@n8n/community-nodes/require-node-api-error': 'off',
    },
  },

  {
    files: ['core/store/**/*.ts'],
    rules: {
      // The store imports pg, node:sqlite and node:fs (SQLite file), which self-hosted n8n allows.
      '@n8n/community-nodes/no-restricted-imports': 'off',
    },
  },

  {
    files: ['nodes/shared/store.ts'],
    rules: {
      // The default SQLite file lives in n8n's user folder (N8N_USER_FOLDER or ~/.n8n): file-system and environment access.
      '@n8n/community-nodes/no-restricted-imports': 'off',
      '@n8n/community-nodes/no-restricted-globals': 'off',
    },
  },

  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      // Tests cast n8n's loosely typed run data when asserting on it.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
