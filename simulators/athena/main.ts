/**
 * Runs the Athena simulator from the command line:
 *
 *   npx tsx simulators/athena/main.ts [--port 5682] [--db .run/simulators/athena.sqlite] [--api-key KEY] [--client ID:SECRET]
 *
 * Environment variables ATHENA_SIM_PORT, ATHENA_SIM_DB, ATHENA_SIM_API_KEY and ATHENA_SIM_CLIENT
 * set the same options. It listens on 127.0.0.1 only and logs one line per request.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_ATHENA_PORT, startAthenaSimulator } from './server';

function option(argv: string[], name: string, environment: string | undefined): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index !== -1 ? argv[index + 1] : environment;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const port = Number(option(argv, 'port', process.env.ATHENA_SIM_PORT) ?? DEFAULT_ATHENA_PORT);
  const databasePath = option(argv, 'db', process.env.ATHENA_SIM_DB) ?? '.run/simulators/athena.sqlite';
  const apiKey = option(argv, 'api-key', process.env.ATHENA_SIM_API_KEY) ?? 'athena-dev-api-key';
  const client = option(argv, 'client', process.env.ATHENA_SIM_CLIENT) ?? 'contact-hub:athena-dev-client-secret';

  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port "${port}": give a number from 0 to 65535.`);
  const separator = client.indexOf(':');
  if (separator < 1) throw new Error('Invalid --client value: give CLIENT_ID:SECRET.');
  if (databasePath !== ':memory:') mkdirSync(dirname(databasePath), { recursive: true });

  const simulator = await startAthenaSimulator({
    databasePath,
    port,
    apiKeys: [apiKey],
    oauthClients: { [client.slice(0, separator)]: client.slice(separator + 1) },
    log: 'stdout',
  });
  process.stdout.write(`Athena simulator listening on ${simulator.url} (database ${databasePath})\n`);

  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Athena simulator failed to stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Athena simulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
