/** The PostgreSQL server the benchmarks use, and throwaway schemas on it. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** 127.0.0.1:5432, database `test`, user `postgres` with trust authentication, as on the development machines. */
export const BENCH_POSTGRES = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' } as const;

/** Returns a new schema name with `prefix`, unique enough for parallel runs on one server. */
export function uniqueSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function withPostgresClient<T>(action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(BENCH_POSTGRES);
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withPostgresClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}
