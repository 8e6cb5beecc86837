/**
 * Opens the Contact Hub Store from a node's `contactHubStoreApi` credential, once per credential
 * and process, so every node in this n8n process shares one SQLite connection or one PostgreSQL
 * pool per store.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type {
  ICredentialDataDecryptedObject,
  ICredentialTestFunctions,
  ICredentialsDecrypted,
  INodeCredentialTestResult,
} from 'n8n-workflow';

import {
  PostgresDatabase,
  SqliteDatabase,
  StoreConfigError,
  describeError,
  openStore,
  type ContactHubStore,
  type StoreConfig,
} from '../../core/store';

export const STORE_CREDENTIAL_TYPE = 'contactHubStoreApi';

export const DEFAULT_SQLITE_FILE = 'contact-hub.sqlite';

/** Anything that can read a credential: execute, webhook, poll and trigger contexts all can. */
export interface CredentialReader {
  getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string, itemIndex?: number): Promise<T>;
}

type SslMode = 'disable' | 'require' | 'verify-full';

/**
 * Returns the SQLite file used when the credential leaves the path empty:
 * `contact-hub.sqlite` in n8n's data folder, which n8n puts at `$N8N_USER_FOLDER/.n8n`, or at
 * `~/.n8n` when that variable is unset.
 * NOTE: n8n's verification rules for n8n Cloud forbid environment and file-system access in nodes;
 * an embedded store cannot avoid it, so Cloud users need PostgreSQL.
 */
export function defaultSqlitePath(): string {
  return join(process.env.N8N_USER_FOLDER || homedir(), '.n8n', DEFAULT_SQLITE_FILE);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).trim();
}

/** Turns credential data into a store configuration; throws StoreConfigError naming the bad field. */
export function storeConfigFromCredential(data: ICredentialDataDecryptedObject): StoreConfig {
  const storeType = text(data.storeType) || 'sqlite';
  if (storeType === 'sqlite') {
    return { type: 'sqlite', path: text(data.sqlitePath) || defaultSqlitePath() };
  }
  if (storeType !== 'postgres') {
    throw new StoreConfigError(`Contact Hub Store credential has an invalid Database Type "${storeType}"; choose SQLite or PostgreSQL`);
  }

  const port = data.port === undefined || data.port === '' ? 5432 : Number(data.port);
  const sslMode = (text(data.sslMode) || 'verify-full') as SslMode;
  if (!['disable', 'require', 'verify-full'].includes(sslMode)) {
    throw new StoreConfigError(`Contact Hub Store credential has an invalid SSL Mode "${sslMode}"; choose Disable, Require or Verify Full`);
  }
  const maxConnections = data.maxConnections === undefined || data.maxConnections === '' ? undefined : Number(data.maxConnections);
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    throw new StoreConfigError(`Contact Hub Store credential has an invalid Max Connections "${String(data.maxConnections)}"; use a whole number of at least 1`);
  }

  return {
    type: 'postgres',
    host: text(data.host),
    port,
    database: text(data.database),
    user: text(data.user),
    password: typeof data.password === 'string' && data.password !== '' ? data.password : undefined,
    schema: text(data.schema) || undefined,
    ssl: {
      mode: sslMode,
      ca: text(data.sslCa) || undefined,
      cert: text(data.sslCert) || undefined,
      key: text(data.sslKey) || undefined,
    },
    maxConnections,
    migrations: text(data.schemaChanges) === 'require-current' ? 'require-current' : 'apply',
  };
}

const openStores = new Map<string, Promise<ContactHubStore>>();

/**
 * Returns the store for the context's credential, opening and migrating it on first use. A failed
 * open is not cached, so the next call tries again. Throws StoreConfigError or
 * StoreUnavailableError from core/store; callers wrap them in their own n8n errors.
 */
export async function getStore(context: CredentialReader, credentialName = STORE_CREDENTIAL_TYPE): Promise<ContactHubStore> {
  const data = await context.getCredentials<ICredentialDataDecryptedObject>(credentialName);
  const config = storeConfigFromCredential(data ?? {});
  const key = JSON.stringify(config);

  let opening = openStores.get(key);
  if (!opening) {
    opening = openStore(config);
    openStores.set(key, opening);
    opening.catch(() => openStores.delete(key));
  }
  return opening;
}

/** Closes every store this process opened through getStore; for tests and shutdown. */
export async function closeAllStores(): Promise<void> {
  const stores = [...openStores.values()];
  openStores.clear();
  for (const store of stores) await (await store.catch(() => undefined))?.close();
}

/**
 * Checks a Contact Hub Store credential by connecting and running `SELECT 1`, without creating
 * tables. Nodes list it in `methods.credentialTest` and point `testedBy` at it.
 */
export async function testContactHubStoreCredential(
  this: ICredentialTestFunctions | void,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  let db: SqliteDatabase | PostgresDatabase | undefined;
  try {
    const config = storeConfigFromCredential(credential.data ?? {});
    db = config.type === 'sqlite' ? SqliteDatabase.open(config.path) : PostgresDatabase.open(config);
    await db.query('SELECT 1 AS ok');
    const where = config.type === 'sqlite' ? `SQLite file ${config.path}` : `PostgreSQL ${config.host}:${config.port}/${config.database}`;
    return { status: 'OK', message: `Connected to ${where}` };
  } catch (error) {
    return { status: 'Error', message: describeError(error) };
  } finally {
    await db?.close().catch(() => undefined);
  }
}
