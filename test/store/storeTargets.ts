/**
 * Store configurations for tests: SQLite in a fresh temporary folder, PostgreSQL (127.0.0.1:5432,
 * trust login) in a uniquely named schema that `dropTarget` removes, so parallel runs never meet.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import type { StoreConfig } from '../../core/store';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  config: StoreConfig;
  drop(): Promise<void>;
}

export const POSTGRES_CONNECTION = {
  host: process.env.CONTACT_HUB_TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.CONTACT_HUB_TEST_PG_PORT ?? 5432),
  database: process.env.CONTACT_HUB_TEST_PG_DATABASE ?? 'test',
  user: process.env.CONTACT_HUB_TEST_PG_USER ?? 'postgres',
};

export function sqliteTarget(): StoreTarget {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-store-'));
  return {
    name: 'sqlite',
    config: { type: 'sqlite', path: join(folder, 'contact-hub.sqlite') },
    drop: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

export function postgresTarget(): StoreTarget {
  const schema = `chs_test_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    config: { type: 'postgres', ...POSTGRES_CONNECTION, schema, maxConnections: 12 },
    drop: async () => {
      const client = new Client(POSTGRES_CONNECTION);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export const TARGET_FACTORIES: Array<[string, () => StoreTarget]> = [
  ['sqlite', sqliteTarget],
  ['postgres', postgresTarget],
];
