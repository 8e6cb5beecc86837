/** Jest projects: `unit` needs nothing running, `store` needs PostgreSQL, and `n8n` and `browser` start a real n8n. */
const { compilerOptions } = require('./tsconfig.json');

// isolatedModules compiles each test file on its own, which is fast. ts-jest reads it from the compiler options.
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...compilerOptions, isolatedModules: true } }] };

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
    // Test files here set their own timeouts (jest.setTimeout): a real n8n takes 15 to 60 seconds to start.
    project('n8n', ['test/n8n']),
    project('browser', ['test/browser']),
  ],
};
