/**
 * Command line for the n8n harness: `npx tsx scripts/n8n/cli.ts <command> [options]`.
 * Run it without arguments for the list of commands.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { attachN8n, startN8n, type N8nInstance } from './harness';
import { ensureN8nInstalled } from './install';
import { repoRoot } from './paths';

const USAGE = `Usage: npx tsx scripts/n8n/cli.ts <command> [options]

Commands:
  install                      install n8n into the cache (once)
  start                        build this package, start n8n with it and leave n8n running
  stop                         stop the n8n started in the user folder
  status                       print the URL and pid of the running n8n
  nodes                        list the node types of this package that n8n has loaded
  import-workflow FILE...      import workflow JSON files (ids are kept)
  import-credentials FILE      import a JSON array of credentials with decrypted data
  publish WORKFLOW_ID...       publish (activate) workflows
  owner                        print the owner's e-mail, password and API key

Options:
  --user-folder DIR            n8n user folder (default .run/n8n)
  --port N                     port for start (default: a free port)
  --package-dir DIR            package to install for start (default: this repository)
  --no-build                   start without running npm run build first`;

function requireRunning(userFolder: string): N8nInstance {
  const instance = attachN8n(userFolder);
  if (!instance) {
    throw new Error(`No running n8n found in ${userFolder}. Start one with: npx tsx scripts/n8n/cli.ts start`);
  }
  return instance;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'user-folder': { type: 'string', default: path.join(repoRoot, '.run', 'n8n') },
      port: { type: 'string' },
      'package-dir': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...args] = positionals;
  const userFolder = path.resolve(values['user-folder']);

  if (!command || values.help) {
    console.log(USAGE);
    return;
  }

  switch (command) {
    case 'install': {
      console.log(`n8n is installed: ${ensureN8nInstalled()}`);
      return;
    }
    case 'start': {
      if (attachN8n(userFolder)) throw new Error(`n8n is already running in ${userFolder}. Stop it first with: npx tsx scripts/n8n/cli.ts stop`);
      if (!values['no-build'] && !values['package-dir']) {
        execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
      }
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !Number.isInteger(port)) throw new Error(`--port must be a whole number, got "${values.port}"`);
      const instance = await startN8n({ userFolder, port, packageDir: values['package-dir'] });
      instance.detach();
      console.log(`n8n is running at ${instance.baseUrl} (pid ${instance.pid}), log: ${instance.logFile}`);
      return;
    }
    case 'stop': {
      const instance = attachN8n(userFolder);
      if (!instance) {
        console.log(`No running n8n in ${userFolder}`);
        return;
      }
      await instance.stop();
      console.log(`Stopped n8n (pid ${instance.pid})`);
      return;
    }
    case 'status': {
      const instance = attachN8n(userFolder);
      console.log(instance ? `n8n is running at ${instance.baseUrl} (pid ${instance.pid})` : `No running n8n in ${userFolder}`);
      return;
    }
    case 'nodes': {
      const { name } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string };
      const nodeTypes = await requireRunning(userFolder).listNodeTypes();
      for (const nodeType of nodeTypes.filter((type) => type.name.startsWith(`${name}.`))) {
        console.log(`${nodeType.name}\t${nodeType.displayName}`);
      }
      return;
    }
    case 'import-workflow': {
      if (args.length === 0) throw new Error('import-workflow needs at least one workflow JSON file');
      const instance = requireRunning(userFolder);
      for (const file of args) console.log(`${file}\t${await instance.importWorkflow(path.resolve(file))}`);
      return;
    }
    case 'import-credentials': {
      if (args.length !== 1) throw new Error('import-credentials needs exactly one JSON file');
      const ids = await requireRunning(userFolder).importCredentials(JSON.parse(readFileSync(args[0], 'utf8')));
      console.log(ids.join('\n'));
      return;
    }
    case 'publish': {
      if (args.length === 0) throw new Error('publish needs at least one workflow id');
      const instance = requireRunning(userFolder);
      for (const id of args) {
        await instance.publishWorkflow(id);
        console.log(`Published ${id}`);
      }
      return;
    }
    case 'owner': {
      const owner = await requireRunning(userFolder).setupOwner();
      console.log(`e-mail: ${owner.email}\npassword: ${owner.password}\nAPI key: ${owner.apiKey}`);
      return;
    }
    default:
      throw new Error(`Unknown command "${command}".\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
