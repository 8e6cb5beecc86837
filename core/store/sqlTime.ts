import type { StoreDialect } from './types';

/**
 * SQL expressions for "now" in each dialect, as ISO 8601 UTC text on SQLite (the format
 * `Date.prototype.toISOString` writes, so text comparison orders by time) and `timestamptz`
 * on PostgreSQL. Times come from the database server's clock, so hosts with drifting clocks
 * still agree on leases and ages when they share a PostgreSQL store.
 */
export function sqlNow(dialect: StoreDialect): string {
  return dialect === 'postgres' ? 'now()' : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

/** "now" plus the number of seconds in placeholder `param` (for example `$2`); negative goes back. */
export function sqlNowPlusSeconds(dialect: StoreDialect, param: string): string {
  return dialect === 'postgres'
    ? `(now() + make_interval(secs => ${param}))`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('%+f seconds', ${param}))`;
}
