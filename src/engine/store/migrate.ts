/**
 * Applies the numbered migrations in order, each with its version bump in one IMMEDIATE transaction (taking the
 * write lock first, so two processes opening the same workspace at once cannot both apply a step).
 */
import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export function hasVersionTable(db: Database.Database): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).get() !== undefined;
}

/** 0 for a database no migration has touched. */
export function readSchemaVersion(db: Database.Database): number {
  if (!hasVersionTable(db)) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Throws when versions are not 1, 2, 3 … in order: a mistake in the list must not reach a user's database. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list: entry ${i} ("${m.name}") has version ${m.version}, expected ${i + 1}`);
  });
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the database up to `target` (default: the last migration). The caller has already refused databases
 * newer than the list; the check here guards a race with a newer build that migrated in between.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): MigrationResult {
  checkMigrationList(migrations);
  const from = readSchemaVersion(db);
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version > target) break;
    const step = db.transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      const current = readSchemaVersion(db);
      if (current >= m.version) return false;
      if (current !== m.version - 1) throw new Error(`schema is at version ${current}; cannot apply migration ${m.version} (${m.name})`);
      m.up(db);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      return true;
    });
    if (step.immediate()) applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
  }
  return { from, to: readSchemaVersion(db), applied };
}
