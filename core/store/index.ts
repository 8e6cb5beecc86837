/**
 * The Contact Hub Store: references and the intake ledger on SQLite (embedded default) or
 * PostgreSQL (production, and required when several n8n processes share the work).
 */
import { StoreConfigError } from './errors';
import { SqlIntakeLedger } from './intake';
import { requireCurrentSchema, runMigrations } from './migrate';
import { migrations } from './migrations';
import { PostgresDatabase, checkSchemaName } from './postgres';
import { SqlReferenceRepository } from './references';
import { SqliteDatabase } from './sqlite';
import type { ContactHubStore, SqlDatabase, StoreConfig } from './types';

export * from './types';
export * from './errors';
export { migrations, type Migration } from './migrations';
export { requireCurrentSchema, runMigrations, type MigrationResult } from './migrate';
export { SqliteDatabase, rewritePlaceholders, SQLITE_BUSY_TIMEOUT_MS } from './sqlite';
export { PostgresDatabase, checkSchemaName } from './postgres';
export { SqlReferenceRepository } from './references';
export { SqlIntakeLedger, nextLedgerState } from './intake';

function openDatabase(config: StoreConfig): SqliteDatabase | PostgresDatabase {
  if (config?.type === 'sqlite') {
    if (typeof config.path !== 'string' || config.path.trim() === '') {
      throw new StoreConfigError('SQLite path is missing from the Contact Hub Store configuration');
    }
    return SqliteDatabase.open(config.path);
  }
  if (config?.type === 'postgres') return PostgresDatabase.open(config);
  throw new StoreConfigError(
    `Contact Hub Store type "${String((config as { type?: unknown })?.type)}" is invalid; use sqlite or postgres`,
  );
}

/** Builds the store on an open database without migrating; openStore is the usual entry point. */
export function createStore(db: SqlDatabase & { close(): Promise<void> }): ContactHubStore {
  return {
    dialect: db.dialect,
    db,
    references: new SqlReferenceRepository(db),
    intake: new SqlIntakeLedger(db),
    close: () => db.close(),
  };
}

/**
 * Opens the store and brings its schema up to date. On PostgreSQL a given `schema` is created
 * when missing and put first on every connection's `search_path`. With `migrations:
 * 'require-current'` nothing is created, and an out-of-date schema is a StoreConfigError.
 * Throws StoreConfigError for an invalid configuration and StoreUnavailableError when the
 * database cannot be opened or reached; the connection is closed again in both cases.
 */
export async function openStore(config: StoreConfig): Promise<ContactHubStore> {
  const schema = config?.type === 'postgres' && config.schema ? checkSchemaName(config.schema) : undefined;
  const db = openDatabase(config);
  try {
    if (config.type === 'postgres' && config.migrations === 'require-current') {
      await requireCurrentSchema(db, migrations);
    } else {
      await runMigrations(db, migrations, { schema });
    }
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return createStore(db);
}
