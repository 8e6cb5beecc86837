/**
 * Starts the simulators on 127.0.0.1 for the demo and manual tests, and stops them on Ctrl-C.
 *
 *   npx tsx scripts/simulators.ts                 # CHS on 5681, Athena on 5682
 *   npx tsx scripts/simulators.ts --chs-port 0    # free port, printed on start
 *   npx tsx scripts/simulators.ts --data-dir .run/sim --log .run/sim/requests.log
 *
 * Credentials come from the environment, with development defaults: CHS_SIM_API_KEY,
 * CHS_SIM_CLIENT_ID and CHS_SIM_CLIENT_SECRET for CHS; ATHENA_SIM_API_KEY, ATHENA_SIM_CLIENT_ID and
 * ATHENA_SIM_CLIENT_SECRET for Athena.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHS_SIMULATOR_PORT } from '../core/chs/contract';
import type { RequestLogDestination } from '../simulators/common';
import { createChsSimulator } from '../simulators/chs';
import { DEFAULT_ATHENA_PORT, startAthenaSimulator } from '../simulators/athena/server';

interface RunningSimulator {
  name: string;
  url: string;
  close(): Promise<void>;
}

export const CHS_DEV_CREDENTIALS = {
  apiKey: process.env.CHS_SIM_API_KEY ?? 'chs-dev-api-key',
  clientId: process.env.CHS_SIM_CLIENT_ID ?? 'contact-hub',
  clientSecret: process.env.CHS_SIM_CLIENT_SECRET ?? 'chs-dev-client-secret',
};

export const ATHENA_DEV_CREDENTIALS = {
  apiKey: process.env.ATHENA_SIM_API_KEY ?? 'athena-dev-api-key',
  clientId: process.env.ATHENA_SIM_CLIENT_ID ?? 'contact-hub',
  clientSecret: process.env.ATHENA_SIM_CLIENT_SECRET ?? 'athena-dev-client-secret',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'chs-port': { type: 'string', default: String(CHS_SIMULATOR_PORT) },
      'athena-port': { type: 'string', default: String(DEFAULT_ATHENA_PORT) },
      'data-dir': { type: 'string', default: '.run/simulators' },
      log: { type: 'string' },
    },
  });

  const dataDir = resolve(values['data-dir']);
  mkdirSync(dataDir, { recursive: true });
  const log: RequestLogDestination = values.log ? { file: resolve(values.log) } : 'stdout';

  const running: RunningSimulator[] = [];
  const chs = await createChsSimulator({
    port: Number(values['chs-port']),
    databasePath: join(dataDir, 'chs.sqlite'),
    auth: CHS_DEV_CREDENTIALS,
    log,
  });
  running.push({ name: 'CHS', url: chs.url, close: () => chs.close() });

  const athena = await startAthenaSimulator({
    port: Number(values['athena-port']),
    databasePath: join(dataDir, 'athena.sqlite'),
    apiKeys: [ATHENA_DEV_CREDENTIALS.apiKey],
    oauthClients: { [ATHENA_DEV_CREDENTIALS.clientId]: ATHENA_DEV_CREDENTIALS.clientSecret },
    log,
  });
  running.push({ name: 'Athena', url: athena.url, close: () => athena.close() });

  for (const simulator of running) process.stdout.write(`${simulator.name} simulator listening on ${simulator.url}\n`);
  process.stdout.write(`Data in ${dataDir}. Press Ctrl-C to stop.\n`);

  const stop = async (signal: string) => {
    process.stdout.write(`Received ${signal}, stopping simulators\n`);
    await Promise.all(running.map((simulator) => simulator.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start the simulators: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
