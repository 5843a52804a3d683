/**
 * Opening a workspace: the connection, its pragmas, the schema check and the blob folder, bundled as a `Store`
 * that the repository modules take as their first argument. One Store per connection; nothing global.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { BlobStore } from './blobs.js';
import { StoreError } from './errors.js';
import { hasVersionTable, migrate, readSchemaVersion, type MigrationResult } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { sweepBlobs } from './sweep.js';
import { workspacePaths } from './workspace.js';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenStoreOptions {
  workspaceDir: string;
  /**
   * Open without writing anything (the UI watching a run another process writes). Needs a database already at
   * the latest schema; never migrates.
   */
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** Sweep unreferenced blobs when opening for writing (default true; see `sweepOpportunistically`). */
  sweepOnOpen?: boolean;
}

export interface Store {
  readonly workspaceDir: string;
  readonly dbPath: string;
  readonly readonly: boolean;
  /** The connection, for the repository modules and tests; everything else goes through the repositories. */
  readonly db: Database.Database;
  readonly blobs: BlobStore;
  /** What opening did to the schema (nothing, for a read-only store). */
  readonly migration: MigrationResult;
  /** A statement compiled once per connection and reused. */
  prepare(sql: string): Database.Statement;
  /** Throws a clear error when the store is read-only; `what` names the refused action. */
  assertWritable(what: string): void;
  close(): void;
}

export function openStore(options: OpenStoreOptions): Store {
  const paths = workspacePaths(options.workspaceDir);
  const readonly = options.readonly ?? false;
  if (readonly && !existsSync(paths.dbPath)) {
    throw new StoreError('not-found', `no workspace database at ${paths.dbPath}`);
  }
  if (!readonly) mkdirSync(paths.blobsDir, { recursive: true });

  let db: Database.Database;
  try {
    db = new Database(paths.dbPath, { readonly, fileMustExist: readonly });
  } catch (e) {
    throw new StoreError('open-failed', `cannot open ${paths.dbPath}: ${(e as Error).message}`, { cause: e });
  }
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
  let store: Store;
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const version = checkVersion(db, paths.dbPath, readonly);
    let migration: MigrationResult = { from: version, to: version, applied: [] };
    if (!readonly) {
      // WAL: readers (the UI) never block the writer and see each commit as a whole. synchronous=NORMAL is
      // WAL's recommended pairing: a power cut may lose the last commits but never corrupts, and blobs are
      // fsynced before their rows commit, so a lost commit leaves an orphan blob, not a dangling row.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!readonly) migration = migrate(db);
    store = makeStore(db, paths.dir, paths.dbPath, paths.blobsDir, readonly, migration);
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    const message = (e as Error).message;
    throw new StoreError('open-failed', `cannot open ${paths.dbPath}: ${message}`, { cause: e });
  }
  if (!readonly && (options.sweepOnOpen ?? true)) sweepOpportunistically(store, busyTimeoutMs);
  return store;
}

/**
 * Opening for writing is when blobs are swept without anyone asking (issue 11, item 9): it happens at every app
 * start, CLI command and run, so a re-import's replaced point clouds and a crash's leftovers do not pile up, and
 * it is safe at any moment (sweep.ts: the sweep holds the write lock; writers re-check their files under it).
 * Opportunistic: it never waits for another writer's lock (busy timeout 0 meanwhile) and never fails the open;
 * whatever it could not do, the next open or `scenes gc` does.
 */
function sweepOpportunistically(store: Store, busyTimeoutMs: number): void {
  try {
    store.db.pragma('busy_timeout = 0');
    sweepBlobs(store);
  } catch {
    // Another process holds the write lock, or the blob folder is unreadable (later writes will say so).
  } finally {
    store.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  }
}

function checkVersion(db: Database.Database, dbPath: string, readonly: boolean): number {
  const version = readSchemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'schema-too-new',
      `${dbPath} has schema version ${version}, but this build knows versions up to ${LATEST_SCHEMA_VERSION}; open it with a newer Ouroboros Workbench`,
    );
  }
  if (version === 0 && !hasVersionTable(db)) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number };
    if (tables.n > 0) throw new StoreError('not-a-workspace', `${dbPath} is an SQLite database but not a workbench one (it has tables and no schema_version)`);
    // Nothing to upgrade: read-write opening creates a workspace here, read-only cannot.
    if (readonly) {
      const what = statSync(dbPath).size === 0 ? 'an empty file (0 bytes)' : 'an empty SQLite database (no tables)';
      throw new StoreError('not-a-workspace', `${dbPath} is ${what}, not a workbench database; open the workspace read-write once to create one there`);
    }
  }
  if (readonly && version < LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'schema-too-old',
      `${dbPath} has schema version ${version}, this build needs ${LATEST_SCHEMA_VERSION}; open the workspace read-write once to upgrade it`,
    );
  }
  return version;
}

/**
 * Runs `fn` as one transaction and returns what it returns; inside another transaction it is a savepoint, so the
 * callers' stages can group repository calls that each open their own. `immediate` takes the write lock before
 * `fn` runs: a deferred transaction that reads first and writes after another process committed fails at once
 * with SQLITE_BUSY_SNAPSHOT, which no busy timeout retries.
 */
export function inTransaction<T>(store: Store, fn: () => T, options: { immediate?: boolean } = {}): T {
  const transaction = store.db.transaction(fn);
  return options.immediate ? transaction.immediate() : transaction();
}

/**
 * SQLite's `data_version`: it changes exactly when another connection committed, so a watcher can skip reading
 * anything until it does.
 */
export function dataVersion(store: Store): number {
  return store.db.pragma('data_version', { simple: true }) as number;
}

function makeStore(
  db: Database.Database,
  workspaceDir: string,
  dbPath: string,
  blobsDir: string,
  readonly: boolean,
  migration: MigrationResult,
): Store {
  const statements = new Map<string, Database.Statement>();
  return {
    workspaceDir,
    dbPath,
    readonly,
    db,
    blobs: new BlobStore(blobsDir, !readonly),
    migration,
    prepare(sql) {
      let s = statements.get(sql);
      if (!s) {
        s = db.prepare(sql);
        statements.set(sql, s);
      }
      return s;
    },
    assertWritable(what) {
      if (readonly) throw new StoreError('readonly', `cannot ${what}: the workspace ${workspaceDir} is open read-only`);
    },
    close() {
      statements.clear();
      if (db.open) db.close();
    },
  };
}
