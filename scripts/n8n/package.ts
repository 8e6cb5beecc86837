import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { cacheRoot, PACKAGE_NAME, repoRoot } from './paths';

const HASH_FILE = '.contact-hub-package.sha256';

export interface InstallPackageOptions {
  /** Package folder to pack, this repository by default. Tests point it at throwaway packages. */
  packageDir?: string;
}

export interface InstalledPackage {
  name: string;
  tarball: string;
  sha256: string;
  /** False when the same tarball was already installed and the install was skipped. */
  installed: boolean;
}

function readPackageJson(packageDir: string): { name: string; n8n?: { nodes?: string[] } } {
  return JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
}

/** Checks that every built file the package lists in `n8n.nodes` exists, before packing a broken package. */
function assertBuilt(packageDir: string): void {
  const packageJson = readPackageJson(packageDir);
  const nodes = packageJson.n8n?.nodes ?? [];
  const missing = nodes.filter((file) => !existsSync(path.join(packageDir, file)));
  if (missing.length > 0) {
    throw new Error(
      `${packageJson.name} lists ${missing.length} built node file(s) that do not exist (${missing.join(', ')}). ` +
        'Run `npm run build` first.',
    );
  }
}

/**
 * Packs the package with `npm pack` into a folder of its own, so parallel packs cannot
 * overwrite each other. The tarball is reproducible, so its hash changes only with its content.
 */
function packPackage(packageDir: string): string {
  mkdirSync(packsDir(), { recursive: true });
  const destination = mkdtempSync(path.join(packsDir(), 'pack-'));
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [{ filename }] = JSON.parse(output) as Array<{ filename: string }>;
  return path.join(destination, filename);
}

function packsDir(): string {
  return path.join(cacheRoot(), 'packs');
}

const TARBALL_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Deletes tarballs older than a week. npm copies a tarball into node_modules, so only a re-install reads it again. */
function pruneOldTarballs(): void {
  for (const name of readdirSync(packsDir())) {
    const file = path.join(packsDir(), name);
    if (name.endsWith('.tgz') && Date.now() - statSync(file).mtimeMs > TARBALL_MAX_AGE_MS) rmSync(file, { force: true });
  }
}

/**
 * Installs a built package as an n8n community package under `<userFolder>/.n8n/nodes`,
 * so node types are named `<package>.<node>` and runtime dependencies come along.
 * Skips the npm install when the same tarball is already installed there.
 */
export function installPackageIntoUserFolder(userFolder: string, options: InstallPackageOptions = {}): InstalledPackage {
  const packageDir = options.packageDir ?? repoRoot;
  assertBuilt(packageDir);

  const { name } = readPackageJson(packageDir);
  const packed = packPackage(packageDir);
  const sha256 = createHash('sha256').update(readFileSync(packed)).digest('hex');

  // Keep one tarball per content hash, so a later pack cannot change a tarball that a user folder refers to.
  const tarball = path.join(packsDir(), path.basename(packed).replace(/\.tgz$/, `-${sha256.slice(0, 12)}.tgz`));
  renameSync(packed, tarball);
  rmSync(path.dirname(packed), { recursive: true, force: true });
  pruneOldTarballs();

  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  const hashFile = path.join(nodesDir, HASH_FILE);
  const installedDir = path.join(nodesDir, 'node_modules', name);
  if (existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === sha256 && existsSync(installedDir)) {
    return { name, tarball, sha256, installed: false };
  }

  mkdirSync(nodesDir, { recursive: true });
  const manifestPath = path.join(nodesDir, 'package.json');
  const manifest = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, 'utf8'))
    : { name: 'installed-nodes', private: true, dependencies: {} };
  manifest.dependencies = { ...manifest.dependencies, [name]: `file:${tarball}` };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');

  // --legacy-peer-deps: n8n itself provides the n8n-workflow peer, as it does for packages installed from its UI.
  execFileSync(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: nodesDir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  writeFileSync(hashFile, sha256 + '\n');
  return { name, tarball, sha256, installed: true };
}

export { PACKAGE_NAME };
