import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Not imported from runWorkflow, so harness tests that start a real n8n do not load n8n-core.
const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface TestPackageSpec {
  /** Package name; community packages must be named `n8n-nodes-*`. */
  name: string;
  /** CommonJS sources by class name, written to `dist/nodes/<Name>/<Name>.node.js`. */
  nodes: Record<string, string>;
  /** CommonJS sources by class name, written to `dist/credentials/<Name>.credentials.js`. */
  credentials?: Record<string, string>;
}

export interface TestPackage {
  dir: string;
  remove(): void;
}

/**
 * Writes a throwaway, already-built community package into a temporary folder, for testing
 * the harness and the in-process runner without this repository's nodes. `n8n-workflow`
 * is linked to this repository's copy, so `require('n8n-workflow')` in the sources works.
 */
export function createTestPackage(spec: TestPackageSpec): TestPackage {
  const dir = mkdtempSync(path.join(tmpdir(), `${spec.name}-`));
  const nodeFiles = Object.keys(spec.nodes).map((name) => `dist/nodes/${name}/${name}.node.js`);
  const credentialFiles = Object.keys(spec.credentials ?? {}).map((name) => `dist/credentials/${name}.credentials.js`);

  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: spec.name,
        version: '0.0.1',
        main: 'index.js',
        files: ['dist', 'index.js'],
        n8n: { n8nNodesApiVersion: 1, nodes: nodeFiles, credentials: credentialFiles },
        peerDependencies: { 'n8n-workflow': '*' },
      },
      null,
      2,
    ),
  );
  writeFileSync(path.join(dir, 'index.js'), 'module.exports = {};\n');
  for (const [name, source] of Object.entries(spec.nodes)) {
    mkdirSync(path.join(dir, 'dist', 'nodes', name), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'nodes', name, `${name}.node.js`), source);
  }
  for (const [name, source] of Object.entries(spec.credentials ?? {})) {
    mkdirSync(path.join(dir, 'dist', 'credentials'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'credentials', `${name}.credentials.js`), source);
  }
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.join(REPO_ROOT, 'node_modules', 'n8n-workflow'), path.join(dir, 'node_modules', 'n8n-workflow'), 'dir');

  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
