import { homedir } from 'node:os';
import path from 'node:path';

/** n8n release that the harness installs. The newer 2.41.3 cannot be installed from the registry reachable here. */
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.1';

export const PACKAGE_NAME = 'n8n-nodes-contact-hub';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Cache outside the clone, so fresh clones (CI) reuse one n8n install. */
export function cacheRoot(): string {
  return process.env.CONTACT_HUB_CACHE ?? path.join(homedir(), '.cache', PACKAGE_NAME);
}

export function n8nInstallDir(): string {
  return path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
}

export function n8nEntryPoint(): string {
  return path.join(n8nInstallDir(), 'node_modules', 'n8n', 'bin', 'n8n');
}

export function n8nInstallMarker(): string {
  return path.join(n8nInstallDir(), '.install-complete');
}

/** Returns the Node 24 binary from devDependencies, because n8n 2.x does not run on the system Node 20. */
export function node24Binary(): string {
  return path.join(repoRoot, 'node_modules', '.bin', 'node');
}
