import type { Migration } from './migrations';
import { StoreConfigError } from './errors';
import type { SqlDatabase } from './types';

export interface MigrationResult {
  /** Versions applied by this call, in order. */
  applied: number[];
  /** The highest version recorded in `schema_migrations` afterwards. */
  currentVersion: number;
}

const CREATE_MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`,
};

/** Rejects a list whose versions are not unique and ascending, which would apply changes out of order. */
function checkOrder(list: readonly Migration[]): void {
  for (let index = 1; index < list.length; index++) {
    if (list[index].version <= list[index - 1].version) {
      throw new Error(
        `Migration versions must ascend: version ${list[index].version} (${list[index].name}) follows ${list[index - 1].version}`,
      );
    }
  }
}

/**
 * Applies the migrations missing from `schema_migrations`, all in one transaction under a lock,
 * so processes that start together migrate once: PostgreSQL takes an advisory lock on
 * `lockKey`, SQLite's `BEGIN IMMEDIATE` holds the write lock. When `schema` is given on
 * PostgreSQL it is created first, under the same lock.
 * NOTE: versions in the database that this package does not know (written by a newer release)
 * are left alone, so an older process keeps running beside a newer one.
 */
export async function runMigrations(
  db: SqlDatabase,
  list: readonly Migration[],
  options: { schema?: string; lockKey?: string } = {},
): Promise<MigrationResult> {
  checkOrder(list);
  const lockKey = options.lockKey ?? `contact-hub-migrations:${options.schema ?? 'default'}`;

  return db.transaction(
    async (tx) => {
      if (tx.dialect === 'postgres' && options.schema) {
        // The name is checked by checkSchemaName before the store opens, so quoting is enough here.
        await tx.execute(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      }
      await tx.execute(CREATE_MIGRATIONS_TABLE[tx.dialect]);

      const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((row) => Number(row.version)));
      const applied: number[] = [];

      for (const migration of list) {
        if (done.has(migration.version)) continue;
        for (const statement of migration[tx.dialect]) await tx.execute(statement);
        await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
        applied.push(migration.version);
        done.add(migration.version);
      }

      return { applied, currentVersion: Math.max(0, ...done) };
    },
    { lockKey },
  );
}

/**
 * Checks, without changing anything, that every migration of this package is recorded in
 * `schema_migrations`. Used by roles that may read and append but not create tables.
 * Throws StoreConfigError naming the missing versions.
 */
export async function requireCurrentSchema(db: SqlDatabase, list: readonly Migration[]): Promise<void> {
  let rows: { version: number }[];
  try {
    rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  } catch (error) {
    throw new StoreConfigError(
      `The Contact Hub Store schema has not been created (${error instanceof Error ? error.message : String(error)}); ` +
        'open the store once with a role that may create tables, or set schema changes to "Apply"',
    );
  }
  const done = new Set(rows.map((row) => Number(row.version)));
  const missing = list.filter((migration) => !done.has(migration.version)).map((migration) => migration.version);
  if (missing.length > 0) {
    throw new StoreConfigError(
      `The Contact Hub Store schema is missing migration(s) ${missing.join(', ')}; ` +
        'open the store once with a role that may create tables, or set schema changes to "Apply"',
    );
  }
}
