/** Jest projects: `unit` needs nothing running; `store` needs PostgreSQL; `n8n` and `browser` start a real n8n. */
const tsJest = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] };

const project = (name, roots, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: tsJest,
  testMatch: roots.map((root) => `<rootDir>/${root}/**/*.test.ts`),
  ...extra,
});

module.exports = {
  projects: [
    project('unit', ['test/unit']),
    project('store', ['test/store']),
    project('n8n', ['test/n8n']),
    project('browser', ['test/browser']),
  ],
};
