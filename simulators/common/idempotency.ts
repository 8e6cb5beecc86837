/**
 * Idempotency keys for simulator writes, stored in the simulator's SQLite database.
 * The same key with the same request returns the first response again; the same key with a
 * different request is a conflict (409). Responses with status 5xx are not stored, so a client
 * may retry with the same key after a server error.
 */
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { canonicalJson } from '../../core/http/canonicalJson';

export { canonicalJson };

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyLookup =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict'; firstRequest: string };

/** SHA-256 over method, path and the JSON body with object keys sorted, so key order does not matter. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('hex');
}

export class IdempotencyStore {
  constructor(private readonly db: DatabaseSync) {
    db.exec(`CREATE TABLE IF NOT EXISTS sim_idempotency_keys (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      request_line TEXT NOT NULL,
      status INTEGER NOT NULL,
      body TEXT NOT NULL,
      headers TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`);
  }

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const row = this.db
      .prepare('SELECT fingerprint, request_line, status, body, headers FROM sim_idempotency_keys WHERE key = ?')
      .get(key) as { fingerprint: string; request_line: string; status: number; body: string; headers: string } | undefined;
    if (!row) return { kind: 'new' };
    if (row.fingerprint !== fingerprint) return { kind: 'conflict', firstRequest: row.request_line };
    return {
      kind: 'replay',
      response: { status: row.status, body: row.body === '' ? undefined : JSON.parse(row.body), headers: JSON.parse(row.headers) },
    };
  }

  /** Stores the response for a key; 5xx responses are skipped so the client can retry. */
  save(key: string, fingerprint: string, requestLine: string, response: StoredResponse): void {
    if (response.status >= 500) return;
    this.db
      .prepare(
        `INSERT INTO sim_idempotency_keys (key, fingerprint, request_line, status, body, headers, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING`,
      )
      .run(
        key,
        fingerprint,
        requestLine,
        response.status,
        response.body === undefined ? '' : JSON.stringify(response.body),
        JSON.stringify(response.headers),
        new Date().toISOString(),
      );
  }

  clear(): void {
    this.db.exec('DELETE FROM sim_idempotency_keys');
  }
}
