import type Database from 'better-sqlite3';

/**
 * One forward-only schema step. `up` runs inside a transaction together with the version bump, so a failing
 * migration leaves the database exactly as it was. SQLite ignores `PRAGMA foreign_keys` inside a transaction:
 * a future migration that rebuilds a table must not rely on switching foreign keys off.
 */
export interface Migration {
  /** 1, 2, 3 … with no gaps; equals the number in the module's file name. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}
