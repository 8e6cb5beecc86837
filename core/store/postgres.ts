import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';

import { StoreConfigError, StoreUnavailableError, UniqueViolationError, describeError } from './errors';
import type { SqlDatabase, SqlValue, StoreConfig, TransactionOptions } from './types';

type PostgresConfig = Extract<StoreConfig, { type: 'postgres' }>;

const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;

/** Error codes (SQLSTATE classes 08, 28, 53, 57P) that mean the server cannot be reached or used. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EPIPE']);

function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = describeError(error);
  return (
    UNAVAILABLE_CODES.has(code) ||
    /^(08|28|53|57P)/.test(code) ||
    /timeout exceeded when trying to connect|Connection terminated|self[- ]signed|certificate|does not support SSL|SSL/i.test(message)
  );
}

/** Reads `bigint` as a number, because sequences and counts stay far below 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint value ${text} is outside JavaScript's safe integer range`);
  return value;
}

const rowTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseInt8;
    if (oid === TIMESTAMPTZ_OID) return (text: string) => new Date(text).toISOString();
    return pgTypes.getTypeParser(oid, format as 'text');
  },
};

/** Accepts plain lower-case identifiers only, so a schema name can never inject SQL. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreConfigError(
      `PostgreSQL schema "${schema}" is invalid: use lower-case letters, digits and underscores, starting with a letter or underscore (at most 63 characters)`,
    );
  }
  return schema;
}

function sslOptions(config: PostgresConfig): PoolConfig['ssl'] {
  const ssl = config.ssl;
  if (!ssl || ssl.mode === 'disable') return false;
  const material = {
    ...(ssl.ca ? { ca: ssl.ca } : {}),
    ...(ssl.cert ? { cert: ssl.cert } : {}),
    ...(ssl.key ? { key: ssl.key } : {}),
  };
  // `require` encrypts without checking the server certificate, as libpq's sslmode=require does.
  if (ssl.mode === 'require') return { rejectUnauthorized: false, ...material };
  if (ssl.mode === 'verify-full') return { rejectUnauthorized: true, ...material };
  throw new StoreConfigError(`PostgreSQL SSL mode "${String((ssl as { mode: unknown }).mode)}" is invalid: use disable, require or verify-full`);
}

function describeTarget(config: PostgresConfig): string {
  return `${config.user}@${config.host}:${config.port}/${config.database}${config.schema ? ` (schema ${config.schema})` : ''}`;
}

function translateError(error: unknown, config: PostgresConfig): Error {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError?.code === '23505') {
    return new UniqueViolationError(describeError(error), pgError.constraint, { cause: error });
  }
  if (isUnavailable(error)) {
    return new StoreUnavailableError(
      `PostgreSQL store ${describeTarget(config)} is unreachable: ${describeError(error)}. Check the host, port, login and SSL settings of the Contact Hub Store credential.`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(describeError(error));
}

function toPgParams(params: readonly SqlValue[]): unknown[] {
  return params.map((value) => (value === undefined ? null : value));
}

/**
 * A runner of named prepared statements, which each connection parses once and then reuses. It
 * suits statements with fixed text on a hot path, and each `name` must keep one text.
 */
export interface PreparedQueryRunner {
  queryPrepared<T = Record<string, unknown>>(name: string, sql: string, params: readonly SqlValue[]): Promise<T[]>;
}

class PostgresTransaction implements SqlDatabase, PreparedQueryRunner {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly client: PoolClient,
    private readonly config: PostgresConfig,
  ) {}

  async queryPrepared<T = Record<string, unknown>>(name: string, sql: string, params: readonly SqlValue[]): Promise<T[]> {
    try {
      const result = await this.client.query({ name, text: sql, values: toPgParams(params) });
      return result.rows as T[];
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const result = await this.client.query(sql, toPgParams(params));
      return result.rows as T[];
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowsAffected: number }> {
    try {
      const result = await this.client.query(sql, toPgParams(params));
      return { rowsAffected: result.rowCount ?? 0 };
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (options?.lockKey) await this.execute('SELECT pg_advisory_xact_lock(hashtext($1))', [options.lockKey]);
    return fn(this);
  }
}

/** PostgreSQL through a `pg` pool. Each pooled connection has the configured schema first on `search_path`. */
export class PostgresDatabase implements SqlDatabase, PreparedQueryRunner {
  readonly dialect = 'postgres' as const;
  private closed = false;

  private constructor(
    readonly pool: Pool,
    readonly config: PostgresConfig,
  ) {}

  static open(config: PostgresConfig): PostgresDatabase {
    for (const field of ['host', 'database', 'user'] as const) {
      if (!config[field] || typeof config[field] !== 'string') {
        throw new StoreConfigError(`PostgreSQL ${field} is missing from the Contact Hub Store configuration`);
      }
    }
    if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
      throw new StoreConfigError(`PostgreSQL port ${String(config.port)} is invalid: use a whole number from 1 to 65535`);
    }
    const schema = config.schema ? checkSchemaName(config.schema) : undefined;
    const pool = new Pool({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password: config.password,
      ssl: sslOptions(config),
      max: config.maxConnections ?? 10,
      connectionTimeoutMillis: config.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'n8n-nodes-contact-hub',
      options: schema ? `-c search_path=${schema},public` : undefined,
      types: rowTypes,
    });
    // An idle client that loses its connection emits here; without a listener the process would crash.
    pool.on('error', () => undefined);
    return new PostgresDatabase(pool, config);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const result = await this.pool.query(sql, toPgParams(params));
      return result.rows as T[];
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async queryPrepared<T = Record<string, unknown>>(name: string, sql: string, params: readonly SqlValue[]): Promise<T[]> {
    try {
      const result = await this.pool.query({ name, text: sql, values: toPgParams(params) });
      return result.rows as T[];
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowsAffected: number }> {
    try {
      const result = await this.pool.query(sql, toPgParams(params));
      return { rowsAffected: result.rowCount ?? 0 };
    } catch (error) {
      throw translateError(error, this.config);
    }
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options?: TransactionOptions): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translateError(error, this.config);
    }
    const tx = new PostgresTransaction(client, this.config);
    let broken: Error | undefined;
    try {
      await tx.execute('BEGIN');
      if (options?.lockKey) await tx.execute('SELECT pg_advisory_xact_lock(hashtext($1))', [options.lockKey]);
      const result = await fn(tx);
      await tx.execute('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable; destroy it rather than return it to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(describeError(rollbackError));
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
