import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { StoreConfigError } from '../../../core/store';
import {
  closeAllStores,
  defaultSqlitePath,
  getStore,
  storeConfigFromCredential,
  testContactHubStoreCredential,
} from '../../../nodes/shared/store';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'contact-hub-shared-store-'));
});

afterEach(async () => {
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

describe('storeConfigFromCredential', () => {
  it('defaults to SQLite in the n8n user folder', () => {
    const previous = process.env.N8N_USER_FOLDER;
    process.env.N8N_USER_FOLDER = '/srv/n8n-user';
    try {
      expect(defaultSqlitePath()).toBe('/srv/n8n-user/.n8n/contact-hub.sqlite');
      expect(storeConfigFromCredential({})).toEqual({ type: 'sqlite', path: '/srv/n8n-user/.n8n/contact-hub.sqlite' });
    } finally {
      if (previous === undefined) delete process.env.N8N_USER_FOLDER;
      else process.env.N8N_USER_FOLDER = previous;
    }
  });

  it('maps PostgreSQL fields', () => {
    const config = storeConfigFromCredential({
      storeType: 'postgres',
      host: 'db.example.com',
      port: 6432,
      database: 'contact',
      user: 'hub',
      password: 'secret',
      schema: 'contact_hub',
      sslMode: 'require',
      sslCa: 'PEM',
      maxConnections: 4,
    });
    expect(config).toEqual({
      type: 'postgres',
      host: 'db.example.com',
      port: 6432,
      database: 'contact',
      user: 'hub',
      password: 'secret',
      schema: 'contact_hub',
      ssl: { mode: 'require', ca: 'PEM', cert: undefined, key: undefined },
      maxConnections: 4,
      migrations: 'apply',
    });
  });

  it('maps Require Up to Date schema changes', () => {
    const config = storeConfigFromCredential({ storeType: 'postgres', host: 'db', database: 'contact', user: 'hub', schemaChanges: 'require-current' });
    expect(config).toMatchObject({ type: 'postgres', migrations: 'require-current' });
  });

  it('rejects an unknown database type', () => {
    expect(() => storeConfigFromCredential({ storeType: 'mysql' })).toThrow(StoreConfigError);
    expect(() => storeConfigFromCredential({ storeType: 'mysql' })).toThrow(/Database Type "mysql"/);
  });

  it('rejects an unknown SSL mode', () => {
    expect(() => storeConfigFromCredential({ storeType: 'postgres', sslMode: 'prefer' })).toThrow(/SSL Mode "prefer"/);
  });
});

describe('getStore', () => {
  it('opens one store per credential', async () => {
    const path = join(folder, 'store.sqlite');
    const context = { getCredentials: async () => ({ sqlitePath: path }) as never };
    const first = await getStore(context);
    const second = await getStore(context);
    expect(second).toBe(first);
    expect(first.dialect).toBe('sqlite');
  });

  it('retries after a failed open', async () => {
    const context = { getCredentials: async () => ({ storeType: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x', sslMode: 'disable' }) as never };
    await expect(getStore(context)).rejects.toThrow(/unreachable/);
    await expect(getStore(context)).rejects.toThrow(/unreachable/);
  });
});

describe('testContactHubStoreCredential', () => {
  it('passes for a writable SQLite file', async () => {
    const result = await testContactHubStoreCredential({ id: '1', name: 'store', type: 'contactHubStoreApi', data: { sqlitePath: join(folder, 'a.sqlite') } });
    expect(result.status).toBe('OK');
  });

  it('fails for an unreachable server', async () => {
    const result = await testContactHubStoreCredential({
      id: '1',
      name: 'store',
      type: 'contactHubStoreApi',
      data: { storeType: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', sslMode: 'disable' },
    });
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/127\.0\.0\.1:1/);
  });
});
