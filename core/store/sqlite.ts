import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DatabaseSync as DatabaseSyncType, SQLInputValue } from 'node:sqlite';

import { StoreUnavailableError, UniqueViolationError, describeError } from './errors';
import type { SqlDatabase, SqlValue, TransactionOptions } from './types';

/** How long a writer waits for another process's write lock before failing, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Rewrites `$1, $2…` placeholders to SQLite's numbered `?1, ?2…`, leaving quoted strings and
 * identifiers alone.
 */
export function rewritePlaceholders(sql: string): string {
  let output = '';
  let quote: string | null = null;
  for (let index = 0; index < sql.length; index++) {
    const char = sql[index];
    if (quote) {
      output += char;
      if (char === quote) quote = null;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      output += char;
      continue;
    }
    if (char === '$' && /[0-9]/.test(sql[index + 1] ?? '')) {
      output += '?';
      continue;
    }
    output += char;
  }
  return output;
}

function toSqliteValue(value: SqlValue): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function translateError(error: unknown, sql: string): Error {
  const message = describeError(error);
  if (/UNIQUE constraint failed/i.test(message)) {
    return new UniqueViolationError(message, message.replace(/^.*UNIQUE constraint failed:\s*/i, ''), { cause: error });
  }
  if (/database is locked|SQLITE_BUSY/i.test(message)) {
    return new StoreUnavailableError(
      `SQLite store is locked by another process for more than ${SQLITE_BUSY_TIMEOUT_MS} ms; retry, or check for a stuck process holding the file`,
      { cause: error },
    );
  }
  const wrapped = error instanceof Error ? error : new Error(message);
  if (!(wrapped as Error & { sql?: string }).sql) (wrapped as Error & { sql?: string }).sql = sql;
  return wrapped;
}

/**
 * Serialises work on the single connection. `node:sqlite` is synchronous, but a transaction
 * spans awaits, so other callers in this process must wait until it commits.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * One mutex per database file in this process. Two connections to one file in one process would
 * otherwise deadlock: the second's `BEGIN IMMEDIATE` blocks the event loop that the first needs
 * to finish its transaction.
 */
const mutexesByPath = new Map<string, Mutex>();

function mutexFor(path: string): Mutex {
  if (path === ':memory:') return new Mutex();
  const key = resolve(path);
  let mutex = mutexesByPath.get(key);
  if (!mutex) {
    mutex = new Mutex();
    mutexesByPath.set(key, mutex);
  }
  return mutex;
}

class SqliteConnection {
  private readonly statements = new Map<string, ReturnType<DatabaseSyncType['prepare']>>();

  constructor(readonly raw: DatabaseSyncType) {}

  prepare(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.raw.prepare(rewritePlaceholders(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<T>(sql: string, params: readonly SqlValue[]): T[] {
    try {
      return this.prepare(sql).all(...params.map(toSqliteValue)) as T[];
    } catch (error) {
      throw translateError(error, sql);
    }
  }

  run(sql: string, params: readonly SqlValue[]): { rowsAffected: number } {
    try {
      const result = this.prepare(sql).run(...params.map(toSqliteValue));
      return { rowsAffected: Number(result.changes) };
    } catch (error) {
      throw translateError(error, sql);
    }
  }

  exec(sql: string): void {
    try {
      this.raw.exec(sql);
    } catch (error) {
      throw translateError(error, sql);
    }
  }
}

/** Statements inside a synchronous transaction (SqliteDatabase.transactionSync). */
export interface SqliteSyncTransaction {
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): T[];
  execute(sql: string, params?: readonly SqlValue[]): { rowsAffected: number };
}

/** The handle passed to a transaction callback: runs on the connection without the mutex. */
class SqliteTransaction implements SqlDatabase {
  readonly dialect = 'sqlite' as const;

  constructor(private readonly connection: SqliteConnection) {}

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.connection.all<T>(sql, params);
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowsAffected: number }> {
    return this.connection.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    return fn(this);
  }
}

/**
 * SQLite through `node:sqlite` (Node 24). WAL mode and a busy timeout let several processes
 * share one file. Every transaction is `BEGIN IMMEDIATE`, so it takes the write lock up front
 * and cannot fail half-way on a lock upgrade.
 * NOTE: waiting for another process's lock blocks this process's event loop, because
 * `node:sqlite` is synchronous; the wait is bounded by SQLITE_BUSY_TIMEOUT_MS.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private closed = false;

  private constructor(
    private readonly connection: SqliteConnection,
    private readonly mutex: Mutex,
  ) {}

  static open(path: string): SqliteDatabase {
    let raw: DatabaseSyncType;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      // Loaded here rather than at the top, so that importing the store on Node 20 (which lacks node:sqlite) fails only when SQLite is opened.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
      raw = new DatabaseSync(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    } catch (error) {
      throw new StoreUnavailableError(
        `Could not open the SQLite store at ${path}: ${describeError(error)}. Check that the folder exists and is writable.`,
        { cause: error },
      );
    }
    const connection = new SqliteConnection(raw);
    try {
      connection.exec('PRAGMA journal_mode = WAL');
      connection.exec('PRAGMA synchronous = NORMAL');
      connection.exec('PRAGMA foreign_keys = ON');
    } catch (error) {
      raw.close();
      throw new StoreUnavailableError(`Could not prepare the SQLite store at ${path}: ${describeError(error)}`, { cause: error });
    }
    return new SqliteDatabase(connection, mutexFor(path));
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.mutex.run(async () => this.connection.all<T>(sql, params));
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowsAffected: number }> {
    return this.mutex.run(async () => this.connection.run(sql, params));
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` … `COMMIT` without yielding to the event loop, so the
   * transaction costs no promise round trips per statement. It waits its turn on the file's mutex
   * like any other transaction. Commits when `fn` returns and rolls back when it throws.
   */
  async transactionSync<T>(fn: (tx: SqliteSyncTransaction) => T): Promise<T> {
    return this.mutex.run(async () => {
      const connection = this.connection;
      connection.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = fn({
          query: <R>(sql: string, params: readonly SqlValue[] = []) => connection.all<R>(sql, params),
          execute: (sql: string, params: readonly SqlValue[] = []) => connection.run(sql, params),
        });
        connection.exec('COMMIT');
      } catch (error) {
        this.rollbackQuietly();
        throw error;
      }
      return result;
    });
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, _options?: TransactionOptions): Promise<T> {
    return this.mutex.run(async () => {
      this.connection.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(new SqliteTransaction(this.connection));
      } catch (error) {
        this.rollbackQuietly();
        throw error;
      }
      try {
        this.connection.exec('COMMIT');
      } catch (error) {
        this.rollbackQuietly();
        throw error;
      }
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.run(async () => this.connection.raw.close());
  }

  private rollbackQuietly(): void {
    try {
      if (this.connection.raw.isTransaction) this.connection.exec('ROLLBACK');
    } catch {
      // The original error is the one worth reporting; a failed rollback leaves SQLite to roll back on close.
    }
  }
}
