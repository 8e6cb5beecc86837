import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { N8N_VERSION, n8nEntryPoint, n8nInstallMarker, repoRoot } from './paths';

/**
 * Installs the pinned n8n into the cache once (about 5 minutes and 2.8 GB the first time).
 * install.sh holds a lock, so parallel callers wait for one install instead of racing.
 */
export function ensureN8nInstalled(): string {
  if (existsSync(n8nInstallMarker())) return n8nEntryPoint();

  const result = spawnSync('bash', [path.join(repoRoot, 'scripts', 'n8n', 'install.sh')], {
    stdio: 'inherit',
    env: { ...process.env, N8N_VERSION },
  });
  if (result.status !== 0) {
    throw new Error(
      `Installing n8n ${N8N_VERSION} failed (exit code ${result.status}). ` +
        'Check the npm output above, then run `npx tsx scripts/n8n/cli.ts install` again.',
    );
  }
  return n8nEntryPoint();
}
