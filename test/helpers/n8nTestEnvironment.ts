/**
 * Environment that n8n-core reads when its modules are first used. Import this module
 * before `n8n-core`, so n8n's instance settings go to a temporary folder instead of `~/.n8n`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
  const userFolder = mkdtempSync(path.join(tmpdir(), 'contact-hub-n8n-core-'));
  process.env.N8N_USER_FOLDER = userFolder;
  const removeUserFolder = () => rmSync(userFolder, { recursive: true, force: true });
  // Jest's sandboxed process emits no 'exit' to test modules, so remove the folder after the test file instead.
  if (typeof afterAll === 'function') afterAll(removeUserFolder);
  else process.once('exit', removeUserFolder);
}
// Tests assert on node errors, so n8n's own error logging would only repeat them. Set N8N_LOG_LEVEL=debug to see it.
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
