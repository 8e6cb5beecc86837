/** Opens a simulator's SQLite database (a file, or `:memory:`) with WAL and foreign keys on. */
import { DatabaseSync } from 'node:sqlite';

export function openSimulatorDatabase(databasePath: string): DatabaseSync {
  const db = new DatabaseSync(databasePath);
  if (databasePath !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}
